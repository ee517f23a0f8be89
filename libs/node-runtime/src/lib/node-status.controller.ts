import { Controller, Get, Inject } from '@nestjs/common';

import { NodeRuntime } from './node-runtime';

/** This node's view of the cluster (readiness is HealthModule's, see node-readiness.ts). */
@Controller()
export class NodeStatusController {
  constructor(@Inject(NodeRuntime) private readonly runtime: NodeRuntime) {}

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
