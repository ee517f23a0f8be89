import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { affinityOf, setAffinity, type PinPlan } from './cpu-pinning';
import { connectRedis, redisInfoField } from './redis-connection';

/**
 * Where a run notes redis-server's own cores while it has them changed. A run killed before it could give
 * them back (SIGKILL) leaves the note, and the next run takes the cores from it rather than from Redis,
 * which would be the server core alone: given back to Redis at its end, that would keep it there for good.
 */
export const REDIS_CORES_NOTE = join(tmpdir(), 'ringcache-bench-redis-cores.json');

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
  let current: string;
  try {
    current = affinityOf(pid);
    original = coresBeforeRuns(readNote(), pid, current, plan.serverCores);
    writeFileSync(REDIS_CORES_NOTE, JSON.stringify({ pid, cores: original }));
    setAffinity(pid, plan.serverCores);
  } catch (error) {
    return leftAlone(`cannot move it: ${(error as Error).message.split('\n')[0]}`);
  }
  const recovered = original === current ? '' : ', as an earlier run that could not give them back noted';
  let restored = false;
  return {
    note: `redis-server (pid ${pid}) on core ${plan.serverCores} too, its cores (${original}${recovered}) given back after the run`,
    restore: () => {
      if (restored) return;
      restored = true;
      try {
        setAffinity(pid, original);
        rmSync(REDIS_CORES_NOTE, { force: true });
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

/**
 * The cores redis-server had before any run moved it: those of `note` (REDIS_CORES_NOTE's text) when an
 * earlier run left it for this very process and Redis is still on the server cores it was moved to;
 * otherwise the ones it has now.
 */
export function coresBeforeRuns(
  note: string | undefined,
  pid: number,
  current: string,
  serverCores: string,
): string {
  if (note === undefined || current !== serverCores) return current;
  try {
    const noted = JSON.parse(note) as { pid?: unknown; cores?: unknown };
    return noted.pid === pid && typeof noted.cores === 'string' && noted.cores !== '' ? noted.cores : current;
  } catch {
    return current;
  }
}

function readNote(): string | undefined {
  try {
    return readFileSync(REDIS_CORES_NOTE, 'utf8');
  } catch {
    return undefined;
  }
}
