import type { Etcd3 } from 'etcd3';

import type { EtcdKeys } from './etcd-keys';

/**
 * Resolves when etcd answers a read within `timeoutMs` (default 1,000) — one key under the cluster's
 * root, so it needs no permission the process lacks; rejects with etcd's error otherwise. For readiness
 * checks (a Discovery's `etcd`, when the process uses etcd).
 */
export async function pingEtcd(etcd: { client: Etcd3; keys: EtcdKeys }, timeoutMs = 1_000): Promise<void> {
  await etcd.client
    .get(etcd.keys.root)
    .options({ deadline: Date.now() + timeoutMs })
    .exec();
}
