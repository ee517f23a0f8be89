import { readFileSync } from 'node:fs';

import { connectRedis, redisInfoField } from '../scenarios/redis-front.scenario';
import { affinityOf, setAffinity, type PinPlan } from './cpu-pinning';

/** redis-server put on the server cores for a run, and how to put it back. */
export interface PinnedRedis {
  /** One clause for the report's pinning line: where redis-server ran, or why it was left alone. */
  note: string;
  /** Gives redis-server back the cores it had (nothing when it was not moved). Never throws; safe to call twice. */
  restore(): void;
}

/**
 * Puts the local redis-server — every thread of it — on the server cores for the run, as the cache nodes
 * are: baseline (b) is then a node:http front and its cache sharing the cores a ringcache gateway and its
 * nodes share, so neither side gets a core the other has not. Unpinned, redis-server would run beside the
 * load generator, on a core the ringcache rows never get. Its pid is the one Redis reports itself (INFO
 * server), checked to be a redis-server process of this machine; its own affinity is read first and given
 * back by `restore`. Left alone, with the reason in `note`, when Redis is not reachable, the run is not
 * pinned, or the affinity cannot be read or changed (not root, say).
 */
export async function pinRedisServer(plan: PinPlan): Promise<PinnedRedis> {
  const leftAlone = (why: string): PinnedRedis => ({
    note: `redis-server not moved (${why})`,
    restore: () => undefined,
  });
  if (!plan.pinned || !plan.serverCores) return leftAlone('the run is not pinned');
  const redis = await connectRedis();
  if (typeof redis === 'string') return leftAlone('Redis not reachable');
  let pid: number | undefined;
  try {
    pid = redisInfoField(await redis.info('server'), 'process_id');
  } finally {
    redis.disconnect();
  }
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 0)
    return leftAlone('INFO server gave no process_id');
  if (!isRedisServer(pid)) return leftAlone(`pid ${pid} is not a redis-server process here`);
  let original: string;
  try {
    original = affinityOf(pid);
    setAffinity(pid, plan.serverCores);
  } catch (error) {
    return leftAlone(`taskset failed: ${(error as Error).message.split('\n')[0]}`);
  }
  let restored = false;
  return {
    note: `redis-server (pid ${pid}) on core ${plan.serverCores} too, its cores (${original}) given back after the run`,
    restore: () => {
      if (restored) return;
      restored = true;
      try {
        setAffinity(pid, original);
      } catch (error) {
        // Redis restarted, say: the run's other cleanups must still happen.
        console.error(
          `could not give redis-server (pid ${pid}) its cores ${original} back: ${(error as Error).message}`,
        );
      }
    },
  };
}

/** Whether `pid` is a redis-server of this machine (its command name), so no other process is moved. */
function isRedisServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('redis-server');
  } catch {
    return false;
  }
}
