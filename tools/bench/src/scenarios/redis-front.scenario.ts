import Redis from 'ioredis';

import type { BenchContext } from '../bench-context';
import { datasetRows, HOT_TARGET, KEY_PATH_PREFIX, keyName, VALUE_BYTES } from '../data/keys';
import { onInterrupt } from '../env/cleanup';
import { connectRedis, REDIS_URL, redisInfoField } from '../env/redis-connection';
import type { Target } from '../load/load-spec';
import { failureDetail, failureNote } from '../report/failure';
import { startBaselineServer, type BaselineServer } from '../servers/start-server';
import { coldPasses, withColdPasses } from './cold-passes';
import { measureRow, unmeasuredRow, warmWrites, type HttpRow } from './http-row';

const HOT = {
  id: 'redis-hot',
  name: '(b) Redis cache-aside front, hot key',
  kind: 'baseline-redis',
  keys: 'hot',
} as const;
const UNIFORM = {
  id: 'redis-uniform',
  name: '(b) Redis cache-aside front, 10,000 keys uniform',
  kind: 'baseline-redis',
  keys: 'uniform',
} as const;
/** The write rows: the same front, PUT as `SET … EX 60` and DELETE as `DEL`, over 10,000 keys. */
const SET_TTL = {
  id: 'redis-set-ttl',
  name: '(b) Redis front, PUT 1 KiB as SET EX 60, 10,000 keys uniform',
  kind: 'baseline-redis',
  keys: 'uniform',
} as const;
const DEL = {
  id: 'redis-del',
  name: '(b) Redis front, DELETE as DEL, 10,000 keys uniform',
  kind: 'baseline-redis',
  keys: 'uniform',
} as const;

/** The body every write row sends: one value of the bench's size. */
export const WRITE_VALUE = 'w'.repeat(VALUE_BYTES);

/** Rows of the Redis front: reads in the HTTP table, writes in the writes table. */
export interface RedisFrontRows {
  reads: HttpRow[];
  writes: HttpRow[];
}

/** What each of the Redis front's rows sends it, by row id. */
export function redisTargets(
  keys: number,
): Record<'redis-hot' | 'redis-uniform' | 'redis-set-ttl' | 'redis-del', Target> {
  const uniform = { kind: 'uniform', prefix: KEY_PATH_PREFIX, keys } as const;
  return {
    'redis-hot': HOT_TARGET,
    'redis-uniform': uniform,
    'redis-set-ttl': {
      ...uniform,
      method: 'PUT',
      query: '?ttl=60s',
      body: WRITE_VALUE,
      contentType: 'application/octet-stream',
    },
    'redis-del': { ...uniform, method: 'DELETE' },
  };
}

/**
 * Baseline (b): node:http + ioredis cache-aside front, warmed the way ringcache is (the cold passes of
 * cold-passes.ts: each key read from SQLite and SET in Redis), then a hot key and 10,000 keys uniform.
 * Without Redis both rows are "skipped" with the reason; a failure makes them "failed" with it.
 * Its keys live under a prefix of this run, with a TTL, and are deleted afterwards. redis-server is not
 * ours: it is neither pinned nor counted in the server CPU column.
 */
export async function redisFrontRows(context: BenchContext): Promise<RedisFrontRows> {
  const redis = await connectRedis();
  if (typeof redis === 'string') {
    context.progress(redis);
    return {
      reads: [unmeasuredRow(HOT, 'skipped', redis), unmeasuredRow(UNIFORM, 'skipped', redis)],
      writes: [unmeasuredRow(SET_TTL, 'skipped', redis), unmeasuredRow(DEL, 'skipped', redis)],
    };
  }
  const prefix = redisKeyPrefix('rows');
  // The keys also expire by themselves (TTL_SEC), should even this not run.
  const unregister = onInterrupt(() => deleteKeys(redis, prefix, datasetRows(context.settings.keys)));
  let server: BaselineServer | undefined;
  try {
    server = await startRedisFront(context, 'redis-front', prefix);
    const { keys } = context.settings;
    const targets = redisTargets(keys);
    const passes = await coldPasses(context, server.origin, 'Redis front');
    const pids = [server.process.pid];
    const redisServer = { name: 'redis-server', cpuSeconds: () => redisCpuSeconds(redis) };
    const hot = await measureRow(context, HOT, server.origin, targets[HOT.id], pids, redisServer);
    const uniform = await measureRow(context, UNIFORM, server.origin, targets[UNIFORM.id], pids, redisServer);
    const [put, remove] = [targets[SET_TTL.id], targets[DEL.id]];
    // The same write warm-up as ringcache's fronts get, though this simple path is fast within a second.
    await warmWrites(context, server.origin, [put, remove]);
    const setTtl = await measureRow(context, SET_TTL, server.origin, put, pids, redisServer);
    const del = await measureRow(context, DEL, server.origin, remove, pids, redisServer);
    return {
      reads: [hot, withColdPasses(uniform, passes, keys)],
      writes: [setTtl, del],
    };
  } catch (error) {
    context.progress(`Redis front failed: ${failureDetail(error)}`);
    return {
      reads: [HOT, UNIFORM].map((row) => unmeasuredRow(row, 'failed', failureNote(error))),
      writes: [SET_TTL, DEL].map((row) => unmeasuredRow(row, 'failed', failureNote(error))),
    };
  } finally {
    await server?.process.stop('SIGTERM', 5_000);
    unregister();
    await deleteKeys(redis, prefix, datasetRows(context.settings.keys));
    redis.disconnect();
  }
}

/** A Redis key prefix of this run, for the front named `use`. */
export function redisKeyPrefix(use: string): string {
  return `ringcache-bench:${process.pid}:${Date.now()}:${use}:`;
}

/** Starts a Redis front over the run's SQLite file, its keys under `prefix`. */
export function startRedisFront(
  context: BenchContext,
  name: string,
  prefix: string,
): Promise<BaselineServer> {
  return startBaselineServer(name, 'redis-front.server.js', {
    REDIS_URL,
    SQLITE_PATH: context.sqlitePath,
    KEY_PREFIX: prefix,
    TTL_SEC: '600',
  });
}

/** CPU seconds redis-server has used since it started (`INFO cpu`: user + system, all threads). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  return (redisInfoField(info, 'used_cpu_user') ?? 0) + (redisInfoField(info, 'used_cpu_sys') ?? 0);
}

/** Removes this run's keys (the first `keys` of the data set) from Redis. */
export async function deleteKeys(redis: Redis, prefix: string, keys: number): Promise<void> {
  for (let start = 0; start < keys; start += 1_000) {
    const batch = Array.from(
      { length: Math.min(1_000, keys - start) },
      (_, i) => prefix + keyName(start + i),
    );
    await redis.unlink(...batch);
  }
}
