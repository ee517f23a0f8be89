import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

/** What a probe found: `up`, and details shown beside the indicator's status (`message` says why it is down). */
export interface ProbeResult {
  up: boolean;
  message?: string;
  [detail: string]: unknown;
}

/** Longest a probe may take by default before its indicator counts as down, in ms. */
export const DEFAULT_PROBE_TIMEOUT_MS = 1_000;

/**
 * A terminus health indicator named `key`: up or down as `probe` finds, with its details. A probe that
 * throws, or takes longer than `timeoutMs` (default 1,000), is down with the reason as `message` — a
 * readiness answer never waits on a dead database or etcd.
 */
export function probeIndicator(
  indicators: HealthIndicatorService,
  key: string,
  probe: () => ProbeResult | Promise<ProbeResult>,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): HealthIndicatorFunction {
  return async () => {
    const session = indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const { up, ...details } = await Promise.race([Promise.resolve().then(probe), timeout]);
      return up ? session.up(details) : session.down(details);
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  };
}
