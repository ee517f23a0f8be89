import type { Server } from '@grpc/grpc-js';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { HealthImplementation } from 'grpc-health-check';

import { CACHE_SERVICE_NAME } from '@ringcache/proto';

/**
 * The standard `grpc.health.v1.Health` service of a node, answering for the whole server ('') and for
 * `ringcache.v1.Cache`. Load balancers, `grpc_health_probe` and peers ask it. It turns NOT_SERVING when
 * shutdown begins — by itself when it is the instance PeerGrpcModule provides (Nest calls
 * `beforeApplicationShutdown` before closing the servers), or through {@link setServing} — so callers move
 * away before the listener closes; watchers are told at once.
 */
export class PeerGrpcHealth implements BeforeApplicationShutdown {
  private readonly implementation: HealthImplementation;
  private serving: boolean;

  /** @param serving the status until {@link setServing} is called. Default true. */
  constructor(serving = true) {
    this.serving = serving;
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    this.implementation = new HealthImplementation({ '': status, [CACHE_SERVICE_NAME]: status });
  }

  /** Whether the node reports SERVING. */
  get isServing(): boolean {
    return this.serving;
  }

  /** Sets SERVING or NOT_SERVING for both names. */
  setServing(serving: boolean): void {
    this.serving = serving;
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    this.implementation.setStatus('', status);
    this.implementation.setStatus(CACHE_SERVICE_NAME, status);
  }

  /** Registers the Health service on a grpc-js server (grpcServerOptions does it). */
  addToServer(server: Server): void {
    this.implementation.addToServer(server);
  }

  /** Nest lifecycle hook: reports NOT_SERVING as the app begins to shut down. */
  beforeApplicationShutdown(): void {
    this.setServing(false);
  }
}
