import type { NodeGroupStats } from '@ringcache/cache-core';

/** One group on one node over one sampling interval: rates per second, and bytes held at its end. */
export interface SamplePoint {
  node: string;
  group: string;
  /** Share of the interval's gets answered from memory (main or hot cache); null when there were none. */
  hitRatio: number | null;
  getsPerS: number;
  loadsPerS: number;
  evictionsPerS: number;
  /** Entries and bytes held (main and hot caches), against the group's budget on the node. */
  items: number;
  bytes: number;
  maxBytes: number;
}

/** Every node's groups at one instant (ms since the epoch). */
export interface Sample {
  t: number;
  points: SamplePoint[];
}

/** What one node answered at a tick; `groups` empty when it did not answer. */
export interface NodeReading {
  node: string;
  groups: NodeGroupStats[];
}

/** Options of a {@link SampleHistory}. */
export interface SampleHistoryOptions {
  /** Samples kept; the oldest is dropped past it. Default 450 (15 minutes at one sample every 2 s). */
  capacity?: number;
  /** Points kept per sample (nodes × groups); the rest are dropped. Default 512. */
  maxPoints?: number;
}

interface Counters {
  t: number;
  gets: number;
  hits: number;
  loads: number;
  evictions: number;
}

/**
 * The last few minutes of per-node, per-group statistics as a ring buffer of samples. Nodes report counters
 * since their start; each sample holds the rates between two readings. Memory is bounded by capacity ×
 * maxPoints, whatever the cluster does.
 */
export class SampleHistory {
  readonly capacity: number;
  readonly maxPoints: number;
  private readonly ring: (Sample | undefined)[];
  private next = 0;
  /** The previous reading of each node/group, for the rates; only those of the last reading are kept. */
  private previous = new Map<string, Counters>();

  constructor(options: SampleHistoryOptions = {}) {
    this.capacity = checkCount('capacity', options.capacity, 450);
    this.maxPoints = checkCount('maxPoints', options.maxPoints, 512);
    this.ring = new Array<Sample | undefined>(this.capacity);
  }

  /** Turns the readings taken at `t` into a sample, keeps it and returns it. */
  record(t: number, readings: NodeReading[]): Sample {
    const points: SamplePoint[] = [];
    const seen = new Map<string, Counters>();
    for (const { node, groups } of readings) {
      for (const { name, stats } of groups) {
        if (points.length >= this.maxPoints) break;
        const hits = (stats.gets.hit ?? 0) + (stats.gets.hot ?? 0);
        const gets = Object.values(stats.gets).reduce((sum, n) => sum + n, 0);
        const loads = stats.loads.ok + stats.loads.not_found + stats.loads.error;
        const evictions = stats.main.evictions + stats.hot.evictions;
        const now: Counters = { t, gets, hits, loads, evictions };
        const id = `${node}\n${name}`;
        seen.set(id, now);
        const before = this.previous.get(id);
        const seconds = before ? (t - before.t) / 1000 : 0;
        // A node that restarted counts from zero again: its whole count is then the interval's.
        const delta = (key: keyof Counters) =>
          before && now[key] >= before[key] ? now[key] - before[key] : now[key];
        const rate = (key: keyof Counters) => (seconds > 0 ? delta(key) / seconds : 0);
        points.push({
          node,
          group: name,
          hitRatio: before && delta('gets') > 0 ? delta('hits') / delta('gets') : null,
          getsPerS: rate('gets'),
          loadsPerS: rate('loads'),
          evictionsPerS: rate('evictions'),
          items: stats.main.items + stats.hot.items,
          bytes: stats.main.bytes + stats.hot.bytes,
          maxBytes: stats.maxBytes ?? 0,
        });
      }
    }
    this.previous = seen;
    const sample = { t, points };
    this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
    return sample;
  }

  /** The samples kept, oldest first. */
  samples(): Sample[] {
    const older = this.ring.slice(this.next);
    const newer = this.ring.slice(0, this.next);
    return [...older, ...newer].filter((s): s is Sample => s !== undefined);
  }
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`SampleHistory option ${name} must be a positive integer, got ${value}`);
  return value;
}
