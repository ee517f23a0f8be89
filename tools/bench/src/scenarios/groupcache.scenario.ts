import type { BenchContext } from '../bench-context';
import { HOT_TARGET, KEY_PATH_PREFIX } from '../data/keys';
import { ensureGoToolchain } from '../env/go-toolchain';
import {
  buildGroupcachePeer,
  startGroupcachePeers,
  type GroupcachePeer,
} from '../groupcache/groupcache-peer';
import { failureDetail, failureNote } from '../report/failure';
import { coldPasses, withColdPasses } from './cold-passes';
import { measureRow, unmeasuredRow, type HttpRow } from './http-row';

/** As many peers as the ringcache rows have nodes. */
const PEERS = 3;

const HOT = {
  id: 'groupcache-hot',
  name: '(c) golang/groupcache, 3 peers, hot key',
  kind: 'baseline-groupcache',
  keys: 'hot',
} as const;
const UNIFORM = {
  id: 'groupcache-uniform',
  name: '(c) golang/groupcache, 3 peers, 10,000 keys uniform',
  kind: 'baseline-groupcache',
  keys: 'uniform',
} as const;

/**
 * Baseline (c): golang/groupcache, the design ringcache follows, in Go — 3 peers (groupcache/main.go, built
 * for this run), each its own process, the group reading the same SQLite table on a miss. Loaded
 * through peer 1's front as the Redis front is: the cold passes (cold-passes.ts), then a hot key and 10,000
 * keys uniform. Without go or its Debian packages, and no way to install them, both rows are "skipped"
 * with the reason; a failure makes them "failed" with it.
 */
export async function groupcacheRows(context: BenchContext): Promise<HttpRow[]> {
  const unavailable = await ensureGoToolchain(context.progress);
  if (unavailable) {
    context.progress(unavailable);
    return [unmeasuredRow(HOT, 'skipped', unavailable), unmeasuredRow(UNIFORM, 'skipped', unavailable)];
  }
  let peers: GroupcachePeer[] = [];
  try {
    context.progress('golang/groupcache: go build (GOPATH mode, Debian packages)');
    const binary = await buildGroupcachePeer(context.workDir);
    peers = await startGroupcachePeers(binary, context.sqlitePath, PEERS);
    const origin = peers[0].origin;
    const { keys } = context.settings;
    const passes = await coldPasses(context, origin, 'golang/groupcache');
    const pids = peers.map((peer) => peer.process.pid);
    const hot = await measureRow(context, HOT, origin, HOT_TARGET, pids);
    const uniform = await measureRow(
      context,
      UNIFORM,
      origin,
      { kind: 'uniform', prefix: KEY_PATH_PREFIX, keys },
      pids,
    );
    return [hot, withColdPasses(uniform, passes, keys)];
  } catch (error) {
    context.progress(`golang/groupcache failed: ${failureDetail(error)}`);
    return [HOT, UNIFORM].map((row) => unmeasuredRow(row, 'failed', failureNote(error)));
  } finally {
    await Promise.all(peers.map((peer) => peer.process.stop('SIGTERM', 5_000)));
  }
}
