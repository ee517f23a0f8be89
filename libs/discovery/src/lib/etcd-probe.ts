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

/**
 * What {@link etcdReadiness} found: the shape of a readiness probe's answer (a type, not an interface, so
 * that it is a record of details where one is expected).
 */
export type EtcdReadiness = {
  up: boolean;
  /** Whether etcd answered the read. */
  reachable: boolean;
  /** The watch's state (watching, resyncing, …). */
  watch: string;
  message?: string;
};

/**
 * The `etcd` readiness check of a process that keeps serving on its last ring while etcd is away (DESIGN
 * §3): up when etcd answers, and also when it does not but `servingOnLastRing()` — the outage is then in
 * the details (`reachable: false`), not a reason to take the process out of rotation, which for every
 * gateway at once would turn an etcd outage into a full one. Down only when etcd is unreachable and the
 * process has no ring to serve on.
 */
export async function etcdReadiness(
  etcd: { client: Etcd3; keys: EtcdKeys },
  watchState: () => string,
  servingOnLastRing: () => boolean,
  timeoutMs = 1_000,
): Promise<EtcdReadiness> {
  const watch = watchState();
  try {
    await pingEtcd(etcd, timeoutMs);
    return { up: true, reachable: true, watch };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return servingOnLastRing()
      ? {
          up: true,
          reachable: false,
          watch,
          message: `etcd unreachable (${reason}): serving on the last ring`,
        }
      : { up: false, reachable: false, watch, message: `etcd unreachable (${reason})` };
  }
}
