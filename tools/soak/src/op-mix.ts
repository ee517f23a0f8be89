import type { FuzzRandom } from '@ringcache/testing';

/** An operation of the soak's load: through the gateway's HTTP API or through the SDK. */
export type OpKind =
  | 'gateway-get'
  | 'gateway-batch-get'
  | 'gateway-set-ttl'
  | 'gateway-set'
  | 'gateway-delete'
  | 'sdk-get'
  | 'sdk-get-many'
  | 'sdk-set-ttl'
  | 'sdk-delete';

/**
 * Share of each operation, in percent: mostly reads, a fifth of them through the SDK so its connections and
 * near cache live as long as the run; writes with and without a TTL (a TTL puts the key in the etcd delay
 * queue) and deletes (invalidations to every node).
 */
export const OP_WEIGHTS: Readonly<Record<OpKind, number>> = {
  'gateway-get': 58,
  'gateway-batch-get': 2,
  'gateway-set-ttl': 6,
  'gateway-set': 4,
  'gateway-delete': 3,
  'sdk-get': 18,
  'sdk-get-many': 3,
  'sdk-set-ttl': 4,
  'sdk-delete': 2,
};

/** Keys per batchGet or getMany. */
export const BATCH_KEYS = 8;
/** TTLs of writes that carry one, in seconds: a spread of expiry seconds, so of delay-queue leases. */
export const TTL_SECONDS = { min: 2, max: 20 } as const;
/** Sizes of written values, in bytes: from small to larger than a loaded row, so the budget fills quickly. */
export const VALUE_BYTES = { min: 256, max: 16_384 } as const;
/** Share of keys picked from the hot set (the first 1 % of the key space), so hot caches fill too. */
export const HOT_SHARE = 0.3;

/** One operation to run. */
export interface Op {
  kind: OpKind;
  keys: string[];
  ttlSeconds?: number;
  valueBytes?: number;
}

/** The `i`-th key of the soak's key space. */
export function soakKey(i: number): string {
  return `s${String(i).padStart(7, '0')}`;
}

/** How many of `keys` the table holds (the others are not found, and cached as such). */
export function rowsFor(keys: number): number {
  return Math.floor(keys * 0.75);
}

/** Draws the soak's operations from a seeded generator, so two runs with one seed ask the same things. */
export class OpMix {
  private readonly table: [OpKind, number][];
  private readonly total: number;

  constructor(
    private readonly keys: number,
    private readonly random: FuzzRandom,
  ) {
    this.table = Object.entries(OP_WEIGHTS) as [OpKind, number][];
    this.total = this.table.reduce((sum, [, w]) => sum + w, 0);
  }

  /** The next operation. */
  next(): Op {
    const kind = this.kind();
    const many = kind === 'gateway-batch-get' || kind === 'sdk-get-many';
    const keys = Array.from({ length: many ? BATCH_KEYS : 1 }, () => this.key());
    if (kind.endsWith('-delete') || kind.endsWith('get') || many) return { kind, keys };
    return {
      kind,
      keys,
      valueBytes: this.random.int(VALUE_BYTES.min, VALUE_BYTES.max),
      ...(kind.endsWith('-ttl') ? { ttlSeconds: this.random.int(TTL_SECONDS.min, TTL_SECONDS.max) } : {}),
    };
  }

  private kind(): OpKind {
    let roll = this.random.next() * this.total;
    for (const [kind, weight] of this.table) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return this.table[this.table.length - 1][0];
  }

  private key(): string {
    const hot = Math.max(1, Math.floor(this.keys / 100));
    return soakKey(
      this.random.chance(HOT_SHARE) ? this.random.int(0, hot - 1) : this.random.int(0, this.keys - 1),
    );
  }
}
