import { setTimeout as sleep } from 'node:timers/promises';

import { FuzzRandom } from '@ringcache/testing';

import { OpMix } from './op-mix';
import { Sampler } from './sampler';
import { LONGEST_TTL_S, SOAK_GROUP, startSoakCluster, type SoakCluster } from './soak-cluster';
import { SoakLoad, type LoadTally } from './soak-load';
import type { SoakOptions } from './soak-options';
import { judge, MEMORY_SETTLE_S, warmUpEnd, type Judgement, type Series } from './series-rules';

/** Most errors, as a share of operations, a soak may see: a steady cluster answers everything. */
export const MAX_ERROR_SHARE = 0.01;

/** A rule about the run as a whole (not one series). */
export interface RunCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Everything a soak found. */
export interface SoakResult {
  options: SoakOptions;
  startedAt: string;
  /** Seconds the load ran. */
  durationS: number;
  cachesFullAtS?: number;
  warmUpEndS?: number;
  series: Series[];
  judgements: Judgement[];
  load: LoadTally;
  checks: RunCheck[];
  /** Samples that could not be read. */
  misses: string[];
  ok: boolean;
}

/**
 * Runs a soak: starts the cluster, runs the load for the options' duration while sampling every
 * `intervalMs`, stops everything, and judges every series after the warm-up. `stop` ends the load early
 * (Ctrl-C): what was sampled so far is still judged, and everything started is stopped and removed.
 */
export async function runSoak(
  options: SoakOptions,
  progress: (line: string) => void,
  stop?: AbortSignal,
): Promise<SoakResult> {
  progress(
    'starting etcd, a scratch MariaDB database, 3 cache nodes, a gateway, a ttl-worker and an SDK client',
  );
  const soak: SoakCluster = await startSoakCluster(options.keys, options.budgetBytes);
  try {
    const started = Date.now();
    const sampler = new Sampler(soak.processes, soak.etcd, started);
    const load = new SoakLoad({
      gatewayUrl: soak.gatewayUrl,
      client: soak.client,
      group: SOAK_GROUP,
      mix: new OpMix(options.keys, new FuzzRandom(options.seed)),
      rate: options.rate,
      concurrency: options.concurrency,
    });
    progress(
      `load: ${options.rate} ops/s, at most ${options.concurrency} in flight, for ${options.durationMs / 1_000} s`,
    );
    load.start();
    for (let n = 0; ; n++) {
      const next = started + n * options.intervalMs;
      if (next > started + options.durationMs || stop?.aborted) break;
      await sleep(Math.max(0, next - Date.now()), undefined, { signal: stop }).catch(() => undefined);
      if (stop?.aborted) break;
      await sampler.sample();
      if (n > 0 && n % Math.max(1, Math.round(60_000 / options.intervalMs)) === 0)
        progress(
          `${Math.round((Date.now() - started) / 1_000)} s${sampler.cachesFullAtS === undefined ? '' : ', caches full'}`,
        );
    }
    const tally = await load.stop();
    const durationS = (Date.now() - started) / 1_000;
    return judgeRun(options, new Date(started).toISOString(), durationS, sampler, tally);
  } finally {
    progress('stopping the cluster');
    await soak.stop();
  }
}

/** Judges every series after the warm-up, and the run's own rules. */
export function judgeRun(
  options: SoakOptions,
  startedAt: string,
  durationS: number,
  sampler: Pick<Sampler, 'all' | 'exited' | 'cachesFullAtS' | 'misses'>,
  load: LoadTally,
): SoakResult {
  const series = sampler.all();
  const warmUpEndS = warmUpEnd(durationS, sampler.cachesFullAtS, options.warmUpShare, LONGEST_TTL_S);
  // Without a steady state every trend is judged over the whole run, and the run fails anyway.
  const judgements = series.map((s) => judge(s, warmUpEndS ?? 0, MEMORY_SETTLE_S));
  const ops = Object.values(load.byKind).reduce((sum, t) => sum + t.ok + t.notFound + t.errors, 0);
  const errors = Object.values(load.byKind).reduce((sum, t) => sum + t.errors, 0);
  const checks: RunCheck[] = [
    {
      name: 'caches full',
      ok: warmUpEndS !== undefined,
      detail:
        sampler.cachesFullAtS === undefined
          ? 'no sample saw every node evicting: the steady state was never reached'
          : `every node evicting from ${sampler.cachesFullAtS.toFixed(0)} s; warm-up until ${warmUpEndS?.toFixed(0)} s`,
    },
    {
      name: 'every process alive',
      ok: sampler.exited.size === 0,
      detail: sampler.exited.size ? `exited: ${[...sampler.exited].join(', ')}` : 'all ran to the end',
    },
    {
      name: `errors ≤ ${MAX_ERROR_SHARE * 100} %`,
      ok: ops > 0 && errors <= MAX_ERROR_SHARE * ops,
      detail: `${errors} of ${ops} operations failed`,
    },
  ];
  const ok = checks.every((c) => c.ok) && judgements.every((j) => j.verdict !== 'fail');
  return {
    options,
    startedAt,
    durationS,
    cachesFullAtS: sampler.cachesFullAtS,
    warmUpEndS,
    series,
    judgements,
    load,
    checks,
    misses: sampler.misses,
    ok,
  };
}
