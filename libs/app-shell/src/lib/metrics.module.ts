import { Controller, Get, Global, Inject, Module, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of the app's Prometheus registry. */
export const METRICS_REGISTRY = 'ringcache:MetricsRegistry';

/** Serves the app's registry at `GET /metrics` in the Prometheus text format. */
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.registry.metrics();
    await reply.header('content-type', this.registry.contentType).send(body);
  }
}

/**
 * One Prometheus registry per app (never prom-client's global one, so tests and several apps in one
 * process do not mix), with the default process metrics, served at `/metrics`. Global: any module may
 * inject METRICS_REGISTRY to add its own metrics.
 */
@Global()
@Module({
  providers: [
    {
      provide: METRICS_REGISTRY,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
  ],
  controllers: [MetricsController],
  exports: [METRICS_REGISTRY],
})
export class MetricsModule {}
