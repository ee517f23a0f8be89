import { InvalidArgumentError } from './errors';

/** A key among the most requested lately, with its estimated recent traffic. */
export interface HotKey {
  key: string;
  /**
   * Requests of the key, each weighted by e^(−age / window): about the requests of the last window at a
   * steady rate. An estimate: up to `error` of it may belong to keys that held the counter before.
   */
  count: number;
  /** Estimated requests per second: `count` over the window in seconds. */
  rate: number;
  /** The count the key inherited with its counter (Space-Saving's error bound); 0 = counted from the start. */
  error: number;
}

/** Options of a {@link HotKeyTracker}. */
export interface HotKeyTrackerOptions {
  /** Keys counted at once: the memory bound. Default 256. */
  capacity?: number;
  /** Time constant of the decay in ms: a request this old counts e^-1 ≈ 0.37 of a new one. Default 60,000. */
  windowMs?: number;
  /**
   * Once every counter is taken, a request of a key without one takes a counter with this probability,
   * weighted 1/admission, so the counts stay right on average. Default 1/8.
   */
  admission?: number;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
  /** Random source in [0, 1), for admission. Default Math.random. */
  random?: () => number;
}

/** Weights grow as e^(t/window) from the landmark; past this, every counter is scaled down and the landmark moves. */
const RESCALE_AT = 2 ** 40;
/** Counters that decayed below this many requests are not reported. */
const NEGLIGIBLE = 0.01;

/**
 * Finds the most requested keys of the last minute or so in bounded memory: Space-Saving (Metwally et al.)
 * over exponentially decayed counts. It keeps `capacity` counters; a key without one takes the smallest
 * (inheriting its count as `error`), so a key with more than 1/capacity of the recent traffic keeps a
 * counter, while keys requested now and then share the smallest ones.
 *
 * Decay is forward decay (Cormode et al.): a request at time t adds e^((t − landmark)/window) to its
 * counter, so counters never need decaying one by one and keep their order; reading divides by the
 * current weight.
 *
 * Cost: a request of a key with a counter is a Map lookup and an addition, and allocates nothing. Taking
 * a counter means finding the smallest (a scan of `capacity` numbers) and re-keying the Map; with many
 * more keys than counters nearly every request would, so once the counters are full a newcomer is
 * admitted by sampling (`admission`) and its count scaled up to match.
 */
export class HotKeyTracker {
  private readonly capacity: number;
  private readonly windowMs: number;
  private readonly admission: number;
  private readonly now: () => number;
  private readonly random: () => number;

  private readonly index = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private size = 0;
  private landmark: number;
  /** The weight last computed, and the time it was computed for: Math.exp once per clock tick. */
  private weightAt = NaN;
  private lastWeight = 1;
  private recorded = 0;

  constructor(options: HotKeyTrackerOptions = {}) {
    this.capacity = options.capacity ?? 256;
    this.windowMs = options.windowMs ?? 60_000;
    this.admission = options.admission ?? 1 / 8;
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1 || this.capacity > 65_536) {
      throw new InvalidArgumentError(
        `HotKeyTracker option capacity must be an integer in [1, 65536], got ${this.capacity}`,
      );
    }
    if (!Number.isFinite(this.windowMs) || this.windowMs < 1) {
      throw new InvalidArgumentError(
        `HotKeyTracker option windowMs must be a number >= 1, got ${this.windowMs}`,
      );
    }
    if (!(this.admission > 0 && this.admission <= 1)) {
      throw new InvalidArgumentError(
        `HotKeyTracker option admission must be in (0, 1], got ${this.admission}`,
      );
    }
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.counts = new Float64Array(this.capacity);
    this.errors = new Float64Array(this.capacity);
    this.landmark = this.now();
  }

  /** Requests recorded since creation, not decayed. */
  get total(): number {
    return this.recorded;
  }

  /** Keys holding a counter (at most `capacity`). */
  get tracked(): number {
    return this.size;
  }

  /** Counts one request of `key`. */
  record(key: string): void {
    this.recorded++;
    const slot = this.index.get(key);
    if (slot !== undefined) {
      // Weighed first: weighing may rescale every counter, this one included.
      const weight = this.weight();
      this.counts[slot] += weight;
      return;
    }
    if (this.size < this.capacity) {
      const fresh = this.size++;
      this.keys[fresh] = key;
      this.counts[fresh] = this.weight();
      this.errors[fresh] = 0;
      this.index.set(key, fresh);
      return;
    }
    if (this.admission < 1 && this.random() >= this.admission) return;
    // Space-Saving: the newcomer takes the smallest counter, and what it held becomes the error bound.
    const weight = this.weight();
    const smallest = this.smallest();
    this.index.delete(this.keys[smallest]);
    this.keys[smallest] = key;
    this.errors[smallest] = this.counts[smallest];
    this.counts[smallest] += weight / this.admission;
    this.index.set(key, smallest);
  }

  /**
   * The `limit` keys with the highest recent counts, highest first (equal counts in key order); keys that
   * decayed to nothing are left out. Sorts the counters: meant for an occasional look, not every request.
   */
  top(limit: number): HotKey[] {
    const scale = 1 / this.weight();
    const seconds = this.windowMs / 1000;
    const { counts, keys } = this;
    const slots = Array.from({ length: this.size }, (_, i) => i).sort(
      (a, b) => counts[b] - counts[a] || (keys[a] < keys[b] ? -1 : 1),
    );
    const result: HotKey[] = [];
    for (const slot of slots) {
      if (result.length >= limit) break;
      const count = counts[slot] * scale;
      if (count < NEGLIGIBLE) break;
      result.push({ key: keys[slot], count, rate: count / seconds, error: this.errors[slot] * scale });
    }
    return result;
  }

  /** Forgets every key. */
  clear(): void {
    this.index.clear();
    this.keys.length = 0;
    this.size = 0;
    this.landmark = this.now();
    this.weightAt = NaN;
  }

  /** The weight of a request now; moves the landmark first when weights would grow too large. */
  private weight(): number {
    const now = this.now();
    if (now === this.weightAt) return this.lastWeight;
    // A clock that stepped back behind the landmark counts as standing at it: requests still weigh at least 1.
    let weight = Math.exp(Math.max(0, now - this.landmark) / this.windowMs);
    if (weight >= RESCALE_AT) {
      // Scaling every counter by the same factor keeps their order.
      for (let i = 0; i < this.size; i++) {
        this.counts[i] /= weight;
        this.errors[i] /= weight;
      }
      this.landmark = now;
      weight = 1;
    }
    this.weightAt = now;
    this.lastWeight = weight;
    return weight;
  }

  private smallest(): number {
    const { counts, size } = this;
    let slot = 0;
    for (let i = 1; i < size; i++) if (counts[i] < counts[slot]) slot = i;
    return slot;
  }
}
