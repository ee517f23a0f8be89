/**
 * A small seeded generator for fuzz tests (mulberry32): the same seed gives the same inputs, so a failure
 * printed with its seed can be replayed with `FUZZ_SEED=<seed>`.
 */
export class FuzzRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * A generator seeded from `FUZZ_SEED` when set, else from the clock; prints the seed under `label` so
   * any run can be replayed.
   */
  static fromEnv(label: string): FuzzRandom {
    const given = process.env['FUZZ_SEED'];
    const seed = given ? Number(given) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
    console.log(`${label}: FUZZ_SEED=${seed}`);
    return new FuzzRandom(seed);
  }

  /** How many cases to run: `FUZZ_COUNT` when set (a larger run on demand), else `fallback`. */
  static count(fallback: number): number {
    const given = Number(process.env['FUZZ_COUNT']);
    return Number.isInteger(given) && given > 0 ? given : fallback;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** Runs one of `makers`, chosen uniformly. */
  oneOf<T>(makers: readonly (() => T)[]): T {
    return this.pick(makers)();
  }

  /** `length` random bytes. */
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** A string mixing ASCII, controls, multi-byte characters and lone surrogates. */
  unicode(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++)
      out += this.oneOf([
        () => String.fromCharCode(this.int(32, 126)),
        () => String.fromCharCode(this.int(0, 31)),
        () => String.fromCodePoint(this.int(0x80, 0x2fff)),
        () => String.fromCodePoint(this.int(0x1f300, 0x1f6ff)),
        () => String.fromCharCode(this.int(0xd800, 0xdfff)),
      ]);
    return out;
  }

  /** A JSON-able value of random shape, nested at most `depth` levels. */
  json(depth = 3): unknown {
    const leaf = () =>
      this.oneOf<unknown>([
        () => null,
        () => this.chance(0.5),
        () => this.int(-1e6, 1e6),
        () => this.next() * 1e300 * (this.chance(0.5) ? 1 : -1),
        () => this.unicode(this.int(0, 12)),
        () => this.string(this.int(0, 8)),
      ]);
    if (depth <= 0 || this.chance(0.4)) return leaf();
    if (this.chance(0.5)) return Array.from({ length: this.int(0, 4) }, () => this.json(depth - 1));
    const object: Record<string, unknown> = {};
    for (let i = this.int(0, 4); i > 0; i--) object[this.string(this.int(1, 6))] = this.json(depth - 1);
    return object;
  }
}

/** JSON nested `depth` levels deep (`[[[…]]]` or `{"a":{"a":…}}`), as text. */
export function deepJson(depth: number, array = true): string {
  return array ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}
