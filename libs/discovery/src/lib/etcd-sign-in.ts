import { EtcdAuthenticationFailedError, EtcdPermissionDeniedError, EtcdUserNotFoundError } from 'etcd3';
import type { Etcd3 } from 'etcd3';

import type { RingcacheConfig } from '@ringcache/config';

import { EtcdKeys } from './etcd-keys';
import { pingEtcd } from './etcd-probe';
import { etcdClientFromConfig } from './from-config';

/**
 * etcd refused this process's credentials or its role: a configuration problem no retry will fix, so the
 * process stops at start with the settings to look at, instead of retrying in the background forever.
 */
export class EtcdSignInError extends Error {
  override readonly name = 'EtcdSignInError';
  readonly recoverable = false;
}

/**
 * Reads the cluster's root key once, as the process will sign in for good: resolves when etcd answers, and
 * also when it is unreachable (processes wait for etcd in the background); rejects with an
 * {@link EtcdSignInError} when etcd refuses the user, the password, or the role's permission on the prefix.
 */
export async function checkEtcdSignIn(
  etcd: { client: Etcd3; keys: EtcdKeys },
  who: { username?: string },
  timeoutMs = 3_000,
): Promise<void> {
  try {
    await pingEtcd(etcd, timeoutMs);
  } catch (error) {
    const user = who.username ? `user ${JSON.stringify(who.username)}` : 'no user (etcd.username is empty)';
    if (error instanceof EtcdAuthenticationFailedError || error instanceof EtcdUserNotFoundError)
      throw new EtcdSignInError(
        `etcd authentication failed for ${user}: check etcd.username and etcd.password ` +
          `(RINGCACHE_ETCD_USERNAME, RINGCACHE_ETCD_PASSWORD) — etcd said: ${error.message}`,
        { cause: error },
      );
    if (error instanceof EtcdPermissionDeniedError)
      throw new EtcdSignInError(
        `etcd permission denied for ${user} on ${etcd.keys.root}: its role needs readwrite on that prefix ` +
          `(etcdctl role grant-permission --prefix=true <role> readwrite ${etcd.keys.root}), or ` +
          `etcd.username / etcd.password name another user — etcd said: ${error.message}`,
        { cause: error },
      );
    // Unreachable or slow: not a reason to refuse the start (every etcd user retries in the background).
  }
}

/** {@link checkEtcdSignIn} with a short-lived client from the configuration; no-op without etcd endpoints. */
export async function checkEtcdSignInFromConfig(config: RingcacheConfig, timeoutMs?: number): Promise<void> {
  if (config.etcd.endpoints.length === 0) return;
  const client = etcdClientFromConfig(config);
  try {
    await checkEtcdSignIn({ client, keys: new EtcdKeys(config.cluster) }, config.etcd, timeoutMs);
  } finally {
    client.close();
  }
}
