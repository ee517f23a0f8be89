import type { EtcdKeys } from '@ringcache/discovery';

/** A delay-queue key taken apart. */
export interface TtlKeyParts {
  /** The bucket: the second (since the epoch) whose lease holds the key. */
  second: number;
  group: string;
  key: string;
}

/**
 * Where expiry lives in etcd, under the cluster's root (DESIGN §3):
 *
 * - `ttl/<second>/<group>/<key>` — one key per scheduled entry, under the lease of its second-bucket;
 *   value: {@link TtlRecord} JSON;
 * - `ttl-worker/revision` — the last etcd revision whose expiries the leading ttl-worker delivered;
 * - `election/ttl-worker/<leaseId>` — the workers' campaign keys (etcd3's election, namespaced to the root
 *   so that every key of a cluster stays under `ringcache/<cluster>/`).
 *
 * Group names cannot contain `/` (config rule), so the first two `/` after the prefix split a key
 * unambiguously even when the cache key itself contains `/`.
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

  /** `ringcache/<cluster>/ttl/<second>/<group>/<key>` */
  entry(second: number, group: string, key: string): string {
    return `${this.prefix}${second}/${group}/${key}`;
  }

  /** The parts of a delay-queue key, or undefined for a key that is not one. */
  parse(fullKey: string): TtlKeyParts | undefined {
    if (!fullKey.startsWith(this.prefix)) return undefined;
    const rest = fullKey.slice(this.prefix.length);
    const first = rest.indexOf('/');
    const second = rest.indexOf('/', first + 1);
    if (first <= 0 || second <= first + 1 || second === rest.length - 1) return undefined;
    const bucket = Number(rest.slice(0, first));
    if (!Number.isSafeInteger(bucket)) return undefined;
    return { second: bucket, group: rest.slice(first + 1, second), key: rest.slice(second + 1) };
  }
}
