import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import type { PeerSet } from '@ringcache/cache-core';

import { GATEWAY_PEERS } from './tokens';

/** Readiness: the gateway can route once it knows at least one node. */
@Controller()
export class GatewayStatusController {
  constructor(@Inject(GATEWAY_PEERS) private readonly peers: PeerSet) {}

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const ready = this.peers.size > 0;
    await reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'no cache nodes known',
      ringVersion: this.peers.ringVersion,
      members: this.peers.size,
    });
  }
}
