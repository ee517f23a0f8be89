import { fmix32, murmur3 } from './murmur3';

/** Options of a {@link HashRing}. */
export interface HashRingOptions {
  /** Points each member places on the ring. More points, smoother shares, slower rebuilds. Default 160. */
  vnodes?: number;
  /**
   * Positions a key probes on the ring; the key goes to the point closest after any probe. One probe is
   * the classic ring; more probes even out the members' shares (with 160 vnodes and 10 members the
   * largest deviation from the mean share falls from about 16 % to about 4 %) while keeping the
   * consistent-hashing guarantees: a new member takes keys only for itself, a removed member's keys are
   * the only ones that move. Default 8.
   */
  probes?: number;
}

const DEFAULT_VNODES = 160;
const DEFAULT_PROBES = 8;
const MAX_MEMBERS = 1 << 20;
/** Spreads successive probes of one key over the ring (2^32 / golden ratio). */
const PROBE_STEP = 0x9e3779b9;
const RING_SIZE = 2 ** 32;
const { imul } = Math;

/**
 * A consistent-hash ring with virtual nodes: maps keys to members so that every process holding the same
 * member set maps every key to the same member, and a membership change moves as few keys as possible.
 *
 * Member `m` places `vnodes` points at `murmur3(m, seed = i)` for i in [0, vnodes). A key is hashed once
 * with murmur3 (seed 0, UTF-8); probe j sits at `fmix32(h + j * 0x9e3779b9)`; the owner is the member of
 * the first point at or after a probe, taking the probe with the shortest such distance (ties: lowest
 * probe, then lowest member name). Lookup is O(probes · log(points)).
 */
export class HashRing {
  /** Number of points per member. */
  readonly vnodes: number;
  /** Number of probes per key lookup. */
  readonly probes: number;

  private memberSet = new Set<string>();
  /** Members sorted by name; a point's owner is an index into this array. */
  private sorted: string[] = [];
  /** Point positions, ascending. */
  private positions = new Uint32Array(0);
  /** Owner index (into `sorted`) of the point at the same index in `positions`. */
  private owners_ = new Uint32Array(0);
  /**
   * Index of the first point in each of 2^bucketBits equal slices of the ring (and one past the end), so a
   * lookup binary-searches only the few points of one slice instead of the whole ring.
   */
  private buckets = new Uint32Array(1);
  private bucketShift = 32;
  private version_ = '';
  private shareCache?: { version: string; samples: number; shares: Map<string, number> };

  constructor(options: HashRingOptions = {}) {
    this.vnodes = checkCount('vnodes', options.vnodes, DEFAULT_VNODES, 1, 10_000);
    this.probes = checkCount('probes', options.probes, DEFAULT_PROBES, 1, 64);
    this.rebuild();
  }

  /** Adds members; members already present are ignored. */
  add(...members: string[]): void {
    const next = new Set(this.memberSet);
    for (const m of members) next.add(checkMember(m));
    if (next.size !== this.memberSet.size) this.replace(next);
  }

  /** Removes members; members not present are ignored. */
  remove(...members: string[]): void {
    const next = new Set(this.memberSet);
    for (const m of members) next.delete(m);
    if (next.size !== this.memberSet.size) this.replace(next);
  }

  /** Makes the member set exactly `members` (duplicates ignored), rebuilding once. */
  set(members: Iterable<string>): void {
    const next = new Set<string>();
    for (const m of members) next.add(checkMember(m));
    if (next.size === this.memberSet.size && [...next].every((m) => this.memberSet.has(m))) return;
    this.replace(next);
  }

  /** True when `member` is on the ring. */
  has(member: string): boolean {
    return this.memberSet.has(member);
  }

  /** The members, sorted by name. */
  members(): string[] {
    return this.sorted.slice();
  }

  /** Number of members. */
  get size(): number {
    return this.sorted.length;
  }

  /**
   * Identifies the ring: a hash of the sorted member set and of the vnodes and probes settings, as 8 hex
   * digits. Two processes with the same version map every key the same way.
   */
  get version(): string {
    return this.version_;
  }

  /** The member that owns `key`, or undefined when the ring is empty. */
  owner(key: string): string | undefined {
    if (this.sorted.length === 0) return undefined;
    return this.sorted[this.owners_[this.closestPoint(key)]];
  }

  /**
   * Up to `n` distinct members for `key`, in fallback order: its owner first, then the member that would
   * own the key if the owner left the ring, then the one after that, and so on. A caller that falls back
   * along this list lands where the key will live once the ring drops the members it skipped.
   */
  owners(key: string, n: number): string[] {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`owners: n must be a non-negative integer, got ${n}`);
    const want = Math.min(n, this.sorted.length);
    if (want === 0) return [];
    // The owner alone (every write and most reads) needs none of the fallback walk's bookkeeping.
    const first = this.owners_[this.closestPoint(key)];
    const result = [this.sorted[first]];
    if (want === 1) return result;
    const skipped = new Uint8Array(this.sorted.length);
    skipped[first] = 1;
    while (result.length < want) {
      const member = this.owners_[this.closestPoint(key, skipped)];
      skipped[member] = 1;
      result.push(this.sorted[member]);
    }
    return result;
  }

  /**
   * Each member's share of the keyspace, by name, summing to 1 (empty when the ring is empty). Estimated by
   * looking up `samples` key hashes spread evenly over 2^32: with several probes a member's share is not the
   * length of its arcs, so it is measured the way keys are routed. Error about 1/sqrt(samples); cached per
   * ring version. Default 16,384 samples (a few ms).
   */
  shares(samples = 16_384): Map<string, number> {
    if (this.shareCache?.version === this.version_ && this.shareCache.samples === samples)
      return new Map(this.shareCache.shares);
    const counts = new Uint32Array(this.sorted.length);
    if (this.sorted.length > 0) {
      const step = RING_SIZE / samples;
      for (let s = 0; s < samples; s++) counts[this.owners_[this.closestHash(Math.floor(s * step) | 0)]]++;
    }
    const shares = new Map(this.sorted.map((name, m) => [name, counts[m] / samples]));
    this.shareCache = { version: this.version_, samples, shares };
    return new Map(shares);
  }

  /**
   * Index of the point that owns `key`: over all probes, the first point at or after the probe whose member
   * is not marked in `skipped`, taking the shortest distance. Requires a member not skipped.
   */
  private closestPoint(key: string, skipped?: Uint8Array): number {
    return this.closestHash(murmur3(key), skipped);
  }

  /** {@link closestPoint} for a key already hashed to `h`. */
  private closestHash(h: number, skipped?: Uint8Array): number {
    const points = this.positions.length;
    let best = 0;
    let bestDistance = RING_SIZE;
    for (let j = 0; j < this.probes; j++) {
      const probe = fmix32((h + imul(j, PROBE_STEP)) | 0);
      let i = this.successor(probe);
      if (skipped) {
        for (let walked = 0; skipped[this.owners_[i]] === 1 && walked < points; walked++) {
          i = i + 1 === points ? 0 : i + 1;
        }
      }
      const distance = (this.positions[i] - probe + RING_SIZE) % RING_SIZE;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    return best;
  }

  /** Index of the first point at or after `position`, wrapping to 0 past the end. */
  private successor(position: number): number {
    const positions = this.positions;
    const bucket = position >>> this.bucketShift;
    let lo = this.buckets[bucket];
    let hi = this.buckets[bucket + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid] < position) lo = mid + 1;
      else hi = mid;
    }
    return lo === positions.length ? 0 : lo;
  }

  private indexBuckets(): void {
    // About two points per slice, so a lookup compares one or two positions. At least one bit: a shift
    // by 32 is a shift by 0 in JavaScript.
    const bits = Math.min(20, Math.max(1, Math.ceil(Math.log2(Math.max(1, this.positions.length))) - 1));
    const slices = 2 ** bits;
    this.bucketShift = 32 - bits;
    this.buckets = new Uint32Array(slices + 1);
    let point = 0;
    for (let b = 0; b < slices; b++) {
      const start = b * 2 ** this.bucketShift;
      while (point < this.positions.length && this.positions[point] < start) point++;
      this.buckets[b] = point;
    }
    this.buckets[slices] = this.positions.length;
  }

  private replace(members: Set<string>): void {
    if (members.size > MAX_MEMBERS) throw new RangeError(`a ring holds at most ${MAX_MEMBERS} members`);
    this.memberSet = members;
    this.rebuild();
  }

  private rebuild(): void {
    this.sorted = [...this.memberSet].sort(compareNames);
    const count = this.sorted.length * this.vnodes;
    // Sort points by (position, member index) in one native numeric sort: both fit exactly in a double.
    const packed = new Float64Array(count);
    let p = 0;
    for (let m = 0; m < this.sorted.length; m++) {
      const name = this.sorted[m];
      for (let i = 0; i < this.vnodes; i++) packed[p++] = murmur3(name, i) * MAX_MEMBERS + m;
    }
    packed.sort();
    this.positions = new Uint32Array(count);
    this.owners_ = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const v = packed[i];
      const member = v % MAX_MEMBERS;
      this.owners_[i] = member;
      this.positions[i] = (v - member) / MAX_MEMBERS;
    }
    this.indexBuckets();
    this.version_ = ringVersion(this.sorted, this.vnodes, this.probes);
  }
}

/** Hash identifying a member list and ring settings; see {@link HashRing.version}. */
function ringVersion(sorted: string[], vnodes: number, probes: number): string {
  // A newline cannot occur inside a member name (checkMember), so the joined text is unambiguous.
  const text = `ring/1 vnodes=${vnodes} probes=${probes}\n${sorted.join('\n')}`;
  return murmur3(text).toString(16).padStart(8, '0');
}

/** Code-unit order, the same in every process and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkMember(member: string): string {
  if (typeof member !== 'string' || member.length === 0) {
    throw new TypeError(`a ring member must be a non-empty string, got ${JSON.stringify(member)}`);
  }
  if (member.includes('\n'))
    throw new TypeError(`a ring member must not contain a newline: ${JSON.stringify(member)}`);
  return member;
}

function checkCount(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`HashRing option ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}
