import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { TTL_WORKER_HOST } from './tokens';
import type { TtlWorkerHost } from './ttl-worker-host';

/** Readiness: etcd answers and the worker knows its role; never ready without etcd (nothing to do). */
@Controller()
export class TtlWorkerStatusController {
  constructor(@Inject(TTL_WORKER_HOST) private readonly host: TtlWorkerHost) {}

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const { ready, ...status } = await this.host.status();
    await reply.status(ready ? 200 : 503).send(status);
  }
}
