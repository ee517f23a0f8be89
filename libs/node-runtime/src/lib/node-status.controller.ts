import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { NodeRuntime } from './node-runtime';

/** Readiness and this node's view of the cluster. */
@Controller()
export class NodeStatusController {
  constructor(@Inject(NodeRuntime) private readonly runtime: NodeRuntime) {}

  /** 200 once the database is connected and the ring has members; 503 otherwise. */
  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const ready = this.runtime.ready();
    await reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      node: this.runtime.config.node.name,
      ringVersion: this.runtime.peers.ringVersion,
      members: this.runtime.peers.size,
    });
  }

  /** Members, ring version and this process's name, so anyone can check that every node agrees. */
  @Get('cluster')
  cluster(): object {
    return {
      node: this.runtime.config.node.name,
      cluster: this.runtime.config.cluster,
      ringVersion: this.runtime.peers.ringVersion,
      members: this.runtime.peers.members(),
      discovery: { kind: this.runtime.discovery.kind, watch: this.runtime.discovery.watchState() },
      groups: this.runtime.groups.all().map((g) => g.name),
    };
  }
}
