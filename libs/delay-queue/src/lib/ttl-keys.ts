import type { EtcdKeys } from '@ringcache/discovery';

/** A delay-queue key taken apart: a record of many keys (`batch`), or a single key (`entry`, older nodes). */
export type TtlKeyParts =
  | {
      kind: 'batch';
      /** The bucket: the second (since the epoch) whose lease holds the record. */
      second: number;
      /** `<owner>/<id>`: unique per record; the keys themselves are in the value. */
      id: string;
    }
  | { kind: 'entry'; second: number; group: string; key: string };

/**
 * Where expiry lives in etcd, under the cluster's root (DESIGN §3):
 *
 * - `ttl/<second>/~<owner>/<id>` — one record per bucket per flush of an owner's delay queue, under the
 *   lease of its second-bucket, listing many keys; value: {@link TtlBatch} JSON;
 * - `ttl/<second>/<group>/<key>` — one key per entry, as nodes before batched records wrote them; still
 *   read, so that a ttl-worker upgraded first delivers what such nodes scheduled;
 * - `ttl-worker/revision` — the last etcd revision whose expiries the leading ttl-worker delivered;
 * - `election/ttl-worker/<leaseId>` — the workers' campaign keys (etcd3's election, namespaced to the root
 *   so that every key of a cluster stays under `ringcache/<cluster>/`).
 *
 * Group names are `[A-Za-z0-9_.-]` (config rule): `~` never begins one, and the first two `/` after the
 * prefix split a single-key entry unambiguously even when the cache key itself contains `/`.
 *
 * @see TtlBatch in ttl-record.ts
 */
export class TtlKeys {
  /** `ringcache/<cluster>/ttl/` */
  readonly prefix: string;
  /** `ringcache/<cluster>/ttl-worker/revision` */
  readonly revision: string;
  /** The namespace the election runs in: `ringcache/<cluster>/`. */
  readonly electionNamespace: string;
  /** Name of the workers' election inside that namespace. */
  readonly electionName = 'ttl-worker';

  constructor(keys: EtcdKeys) {
    this.prefix = `${keys.root}ttl/`;
    this.revision = `${keys.root}ttl-worker/revision`;
    this.electionNamespace = keys.root;
  }

  /** `ringcache/<cluster>/ttl/<second>/~<owner>/<id>` */
  batch(second: number, owner: string, id: string): string {
    return `${this.prefix}${second}/~${owner}/${id}`;
  }

  /** `ringcache/<cluster>/ttl/<second>/<group>/<key>` (the single-key layout of older nodes). */
  entry(second: number, group: string, key: string): string {
    return `${this.prefix}${second}/${group}/${key}`;
  }

  /** The parts of a delay-queue key, or undefined for a key that is not one. */
  parse(fullKey: string): TtlKeyParts | undefined {
    if (!fullKey.startsWith(this.prefix)) return undefined;
    const rest = fullKey.slice(this.prefix.length);
    const first = rest.indexOf('/');
    const bucket = Number(rest.slice(0, first));
    if (first <= 0 || !Number.isSafeInteger(bucket)) return undefined;
    if (rest[first + 1] === '~') {
      const id = rest.slice(first + 2);
      return id.length > 0 ? { kind: 'batch', second: bucket, id } : undefined;
    }
    const second = rest.indexOf('/', first + 1);
    if (second <= first + 1 || second === rest.length - 1) return undefined;
    return {
      kind: 'entry',
      second: bucket,
      group: rest.slice(first + 1, second),
      key: rest.slice(second + 1),
    };
  }
}
