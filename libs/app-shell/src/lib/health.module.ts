import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule, type HealthIndicatorFunction } from '@nestjs/terminus';

import { HealthController, READINESS_CHECKS } from './health.controller';

/** Options of {@link HealthModule.forRoot}. */
export interface HealthModuleOptions {
  /** Modules that provide what the checks inject. Default none (providers of global modules are seen). */
  imports?: ModuleMetadata['imports'];
  /** Tokens passed to `readiness` after the HealthIndicatorService. Default none. */
  inject?: InjectionToken[];
  /** The app's readiness checks, made once at startup; see probeIndicator for the usual shape. */
  readiness: (indicators: HealthIndicatorService, ...injected: never[]) => HealthIndicatorFunction[];
}

// Terminus's own logger stays off: it would log every failed probe; the controller logs changes only.
const terminus = TerminusModule.forRoot({ logger: false });

/** The health endpoints with the app's readiness checks (see HealthModule.forRoot). */
@Module({ imports: [terminus], controllers: [HealthController] })
class CheckedHealthModule {}

/**
 * Adds `GET /healthz` (liveness) and `GET /readyz` (readiness) on terminus. Imported as it is, the app is
 * ready whenever it serves; `HealthModule.forRoot({ readiness })` adds the app's checks.
 */
@Module({
  imports: [terminus],
  controllers: [HealthController],
  providers: [{ provide: READINESS_CHECKS, useValue: [] }],
})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: CheckedHealthModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: READINESS_CHECKS,
          inject: [HealthIndicatorService, ...(options.inject ?? [])],
          useFactory: options.readiness,
        },
      ],
    };
  }
}
