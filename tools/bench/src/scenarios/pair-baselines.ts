import type { BenchContext, PairBaselineSource } from '../bench-context';
import { datasetRows, HOT_TARGET, KEY_PATH_PREFIX } from '../data/keys';
import { onInterrupt } from '../env/cleanup';
import type { PairSide, Target } from '../load/load-spec';
import { runLoad } from '../load/run-load';
import { failureNote } from '../report/failure';
import { startBaselineServer, type BaselineServer } from '../servers/start-server';
import { warmWrites } from './http-row';
import { connectRedis } from '../env/redis-connection';
import { deleteKeys, redisKeyPrefix, redisTargets, startRedisFront } from './redis-front.scenario';

/** The baseline fronts kept for pairs: reads and writes of the Redis front each get their own keys. */
type FrontName = 'bare' | 'redis-reads' | 'redis-writes';

/** Which front serves each baseline row. */
const FRONT_OF: Record<string, FrontName> = {
  'bare-http': 'bare',
  'redis-hot': 'redis-reads',
  'redis-uniform': 'redis-reads',
  'redis-set-ttl': 'redis-writes',
  'redis-del': 'redis-writes',
};

/** Requests at once in the sweep that fills the reads front's Redis keys. */
const FILL_CONCURRENCY = 32;

/**
 * The baselines' fronts of the paired measures: each started on first use, warmed as its own rows are
 * (the reads front has every key of the rows in Redis first), and kept running — idle between pairs — to
 * the end of the run, when `stop` ends them and deletes their Redis keys. They run beside the clusters
 * on the server cores, as the fronts of the baseline rows did.
 */
export class PairBaselines implements PairBaselineSource {
  private readonly fronts = new Map<FrontName, Promise<BaselineServer | string>>();
  private readonly stops: (() => Promise<void>)[] = [];

  constructor(private readonly base: Omit<BenchContext, 'pairs'>) {}

  async side(id: string): Promise<PairSide | string> {
    const name = FRONT_OF[id];
    if (!name) return `no front is kept for ${id}`;
    let front = this.fronts.get(name);
    if (!front) {
      front = this.start(name).catch((error: unknown) => failureNote(error));
      this.fronts.set(name, front);
    }
    const server = await front;
    if (typeof server === 'string') return server;
    return { origin: server.origin, target: this.targetOf(id) };
  }

  /** Stops every front started, deletes their Redis keys; a later `side` starts them again. */
  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop().catch(() => undefined);
    this.fronts.clear();
  }

  private get context(): BenchContext {
    return { ...this.base, pairs: this };
  }

  private targetOf(id: string): Target {
    if (id === 'bare-http') return HOT_TARGET;
    return redisTargets(this.base.settings.keys)[id as keyof ReturnType<typeof redisTargets>];
  }

  private async start(name: FrontName): Promise<BaselineServer | string> {
    const context = this.context;
    const { warmupSec, connections, keys } = context.settings;
    const warm = (server: BaselineServer, target: Target) =>
      runLoad(context, { mode: 'timed', origin: server.origin, target, connections, durationSec: warmupSec });
    context.progress(`starting the ${name} front for paired measures`);
    if (name === 'bare') {
      const server = await this.keep(startBaselineServer('bare-http-pairs', 'bare-http.server.js'));
      await warm(server, HOT_TARGET);
      return server;
    }
    const redis = await connectRedis();
    if (typeof redis === 'string') return redis;
    const prefix = redisKeyPrefix(name);
    const drop = async () => {
      await deleteKeys(redis, prefix, datasetRows(keys));
      redis.disconnect();
    };
    const unregister = onInterrupt(drop);
    this.stops.push(async () => {
      unregister();
      await drop();
    });
    const server = await this.keep(startRedisFront(context, `${name}-pairs`, prefix));
    const targets = redisTargets(keys);
    if (name === 'redis-writes') {
      await warmWrites(context, server.origin, [targets['redis-set-ttl'], targets['redis-del']]);
      return server;
    }
    const fill = { prefix: KEY_PATH_PREFIX, from: 0, to: keys, concurrency: FILL_CONCURRENCY };
    await runLoad(context, { mode: 'sweep', origin: server.origin, ...fill });
    await warm(server, targets['redis-hot']);
    await warm(server, targets['redis-uniform']);
    return server;
  }

  /** The server once started, stopped by `stop`. */
  private async keep(starting: Promise<BaselineServer>): Promise<BaselineServer> {
    const server = await starting;
    this.stops.push(() => server.process.stop('SIGTERM', 5_000).then(() => undefined));
    return server;
  }
}
