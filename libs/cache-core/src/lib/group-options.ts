import { InvalidArgumentError } from './errors';
import { lazyExpiry, type ExpiryScheduler } from './expiry-scheduler';
import type { Loader } from './loader';
import type { Invalidation } from './protocol';
import { noPeers, type PeerPicker } from './peer-set';

/** Options of a {@link Group}. Every field but name, loader and maxBytes has a default. */
export interface GroupOptions {
  /** Group name: letters, digits, `_`, `-`, `.`; at most 64 chars. */
  name: string;
  /** Loads keys this node owns from the source of truth. */
  loader: Loader;
  /** Memory budget in bytes for the main and hot caches together. */
  maxBytes: number;
  /** Time to live of loaded values (and of sets without their own) in ms; 0 = until evicted. Default 0. */
  ttlMs?: number;
  /** Time to live of a cached "not found" in ms, before ±jitter. Default 30,000. */
  negativeTtlMs?: number;
  /** Relative jitter of the negative TTL, so a burst of misses does not expire together. Default 0.1. */
  negativeJitter?: number;
  /**
   * Stale-on-error: how long past its expiry a value may still be served when reloading it fails (the
   * database is down), flagged stale. 0 turns it off. Default 0.
   */
  staleGraceMs?: number;
  /** Share of maxBytes for the hot cache (values fetched from peers that are requested often). Default 1/8. */
  hotShare?: number;
  /** Peer fetches of one key, among recent ones, after which a copy is kept in the hot cache. Default 2. */
  hotThreshold?: number;
  /**
   * Longest a hot copy (of a key owned elsewhere) is kept, in ms: also how long an owner remembers that it
   * gave a copy away, so its writes tell the other nodes only while one may exist. Default 10,000.
   */
  hotMaxAgeMs?: number;
  /**
   * Longest this node keeps an entry of a key it does not own (answered while its owner was unreachable,
   * or while the ring changed), in ms: the owner's writes do not reach such a copy. Default 1,000.
   */
  foreignMaxAgeMs?: number;
  /** Keys an owner remembers having given to other nodes (memory bound of that record). Default 100,000. */
  trackedCopies?: number;
  /**
   * Keys whose requests are counted to tell the group's hottest (see HotKeyTracker): the memory bound.
   * 0 turns counting off. Default 256.
   */
  hotKeyCapacity?: number;
  /** Time constant in ms of the decay of those counts: what "recent" means. Default 10,000. */
  hotKeyWindowMs?: number;
  /** A load taking longer fails with LoadTimeoutError (and is not cached). Default 2,500. */
  loadTimeoutMs?: number;
  /**
   * Deadline of each call to a peer. Default 3,000: above loadTimeoutMs, so a slow load is not doubled. An
   * owner's invalidations after a write wait half of it, so the write's answer comes within the writer's.
   */
  peerDeadlineMs?: number;
  /** Longest key in UTF-8 bytes. Default 1,024. */
  maxKeyBytes?: number;
  /** Largest value a set may store, in bytes. Default 1 MiB. */
  maxValueBytes?: number;
  /** Which node owns which key. Default: this node owns every key. */
  peers?: PeerPicker;
  /** Active expiry of the main cache's entries (the etcd delay queue). Default: lazy (see LocalExpiry). */
  expiry?: ExpiryScheduler;
  /** Active expiry of hot copies. Default: lazy (with etcd, the ttl-worker tells every node anyway). */
  hotExpiry?: ExpiryScheduler;
  /** Told how late (ms) each entry removed by active expiry was, for the lateness histogram. */
  onActiveExpiry?: (lateMs: number) => void;
  /** Told the number of keys of each call to the loader (1 for `load`, more for `loadMany`), for metrics. */
  onLoadBatch?: (keys: number) => void;
  /** Told when this node, as a key's owner, changed or dropped it, or applied a flush: for near caches. */
  onInvalidate?: (event: Invalidation) => void;
  /** Clock in ms since the epoch. Default Date.now. */
  now?: () => number;
  /** Random source in [0, 1), for jitter. Default Math.random. */
  random?: () => number;
}

/** Longest time to live a set may ask for: 30 days. */
export const MAX_TTL_MS = 30 * 24 * 3600 * 1000;
/** Shortest time to live a set may ask for: 1 s. */
export const MIN_TTL_MS = 1_000;

const GROUP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** GroupOptions with every default applied and every value checked. */
export type ResolvedGroupOptions = Required<
  Omit<GroupOptions, 'onActiveExpiry' | 'onInvalidate' | 'onLoadBatch'>
> &
  Pick<GroupOptions, 'onActiveExpiry' | 'onInvalidate' | 'onLoadBatch'>;

/** Applies the defaults in one place; an invalid value throws, naming the group, the option and the value. */
export function resolveGroupOptions(options: GroupOptions): ResolvedGroupOptions {
  if (typeof options.name !== 'string' || !GROUP_NAME.test(options.name)) {
    throw new InvalidArgumentError(
      `group name must be 1-64 letters, digits, '_', '-' or '.', got ${JSON.stringify(options.name)}`,
    );
  }
  const name = options.name;
  if (!options.loader || typeof options.loader.load !== 'function') {
    throw new InvalidArgumentError(`group ${name}: loader must have a load(key) method`);
  }
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1024) {
    throw new InvalidArgumentError(
      `group ${name}: maxBytes must be an integer >= 1024, got ${options.maxBytes}`,
    );
  }
  const check = new Checker(name);
  return {
    name,
    loader: options.loader,
    maxBytes: options.maxBytes,
    ttlMs: check.nonNegative('ttlMs', options.ttlMs ?? 0),
    negativeTtlMs: check.nonNegative('negativeTtlMs', options.negativeTtlMs ?? 30_000),
    negativeJitter: check.fraction('negativeJitter', options.negativeJitter ?? 0.1, 0, 0.5),
    staleGraceMs: check.nonNegative('staleGraceMs', options.staleGraceMs ?? 0),
    hotShare: check.fraction('hotShare', options.hotShare ?? 1 / 8, 0, 0.5),
    hotThreshold: check.positiveInteger('hotThreshold', options.hotThreshold ?? 2),
    hotMaxAgeMs: check.positiveInteger('hotMaxAgeMs', options.hotMaxAgeMs ?? 10_000),
    foreignMaxAgeMs: check.positiveInteger('foreignMaxAgeMs', options.foreignMaxAgeMs ?? 1_000),
    trackedCopies: check.positiveInteger('trackedCopies', options.trackedCopies ?? 100_000),
    hotKeyCapacity: check.integerIn('hotKeyCapacity', options.hotKeyCapacity ?? 256, 0, 65_536),
    hotKeyWindowMs: check.positiveInteger('hotKeyWindowMs', options.hotKeyWindowMs ?? 60_000),
    loadTimeoutMs: check.positiveInteger('loadTimeoutMs', options.loadTimeoutMs ?? 2_500),
    peerDeadlineMs: check.positiveInteger('peerDeadlineMs', options.peerDeadlineMs ?? 3_000),
    maxKeyBytes: check.positiveInteger('maxKeyBytes', options.maxKeyBytes ?? 1_024),
    maxValueBytes: check.positiveInteger('maxValueBytes', options.maxValueBytes ?? 1024 * 1024),
    peers: options.peers ?? noPeers,
    expiry: options.expiry ?? lazyExpiry,
    hotExpiry: options.hotExpiry ?? lazyExpiry,
    onActiveExpiry: options.onActiveExpiry,
    onInvalidate: options.onInvalidate,
    onLoadBatch: options.onLoadBatch,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}

class Checker {
  constructor(private readonly group: string) {}

  nonNegative(option: string, value: number): number {
    if (!Number.isFinite(value) || value < 0) this.fail(option, 'a number >= 0', value);
    return value;
  }

  positiveInteger(option: string, value: number): number {
    if (!Number.isSafeInteger(value) || value < 1) this.fail(option, 'a positive integer', value);
    return value;
  }

  integerIn(option: string, value: number, min: number, max: number): number {
    if (!Number.isSafeInteger(value) || value < min || value > max)
      this.fail(option, `an integer in [${min}, ${max}]`, value);
    return value;
  }

  fraction(option: string, value: number, min: number, max: number): number {
    if (!Number.isFinite(value) || value < min || value > max)
      this.fail(option, `in [${min}, ${max}]`, value);
    return value;
  }

  private fail(option: string, rule: string, value: number): never {
    throw new InvalidArgumentError(`group ${this.group}: ${option} must be ${rule}, got ${value}`);
  }
}
