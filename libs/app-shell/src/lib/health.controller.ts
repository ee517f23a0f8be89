import { Controller, Get, Inject, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';

/** Injection token of the app's readiness checks: terminus indicators, all up for `/readyz` to answer 200. */
export const READINESS_CHECKS = 'ringcache:ReadinessChecks';

/**
 * Liveness and readiness, in terminus's format (`{status, info, error, details}`):
 * - `GET /healthz` answers 200 while the process serves HTTP at all, shutting down included;
 * - `GET /readyz` answers 200 when every readiness check is up, 503 when one is down (named under
 *   `error`, with why) or once shutdown has begun (`status: shutting_down`), so load balancers stop
 *   sending before the servers close.
 * Changes of readiness are logged, not every probe.
 */
@Controller()
export class HealthController {
  private readonly logger = new Logger('health');
  /** Readiness at the last probe; undefined before the first. */
  private ready?: boolean;

  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: HealthIndicatorFunction[],
  ) {}

  @Get('healthz')
  async healthz(@Res() reply: FastifyReply): Promise<void> {
    const result = await this.run([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
    await reply.status(result.status === 'error' ? 503 : 200).send(result);
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const result = await this.run(this.checks);
    const ready = result.status === 'ok';
    this.report(ready, result);
    await reply.status(ready ? 200 : 503).send(result);
  }

  /** The checks' result; terminus throws it (as a 503 exception) when not ok, which would skip our format. */
  private async run(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }

  private report(ready: boolean, result: HealthCheckResult): void {
    if (ready === this.ready) return;
    const first = this.ready === undefined;
    this.ready = ready;
    if (ready) {
      this.logger.log('ready');
      return;
    }
    const why =
      Object.entries(result.error ?? {})
        .map(([key, details]) =>
          details?.['message'] ? `${key}: ${String(details['message'])}` : `${key} down`,
        )
        .join('; ') || result.status;
    if (first) this.logger.log(`not ready yet (${why})`);
    else this.logger.warn(`not ready (${why})`);
  }
}
