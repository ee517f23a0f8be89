import { EtcdAuthenticationFailedError, EtcdPermissionDeniedError, GRPCUnavailableError } from 'etcd3';
import type { Etcd3 } from 'etcd3';

import { EtcdKeys } from './etcd-keys';
import { checkEtcdSignIn, EtcdSignInError } from './etcd-sign-in';

/** A client whose one read fails with `error` (or succeeds without one). */
function clientFailingWith(error?: Error): Etcd3 {
  const exec = () => (error ? Promise.reject(error) : Promise.resolve({ kvs: [] }));
  return { get: () => ({ options: () => ({ exec }) }) } as unknown as Etcd3;
}

const keys = new EtcdKeys('prod');

describe('checkEtcdSignIn', () => {
  it('resolves when etcd answers, and when it is unreachable', async () => {
    await expect(checkEtcdSignIn({ client: clientFailingWith(), keys }, {})).resolves.toBeUndefined();
    const away = new GRPCUnavailableError('14 UNAVAILABLE: no connection');
    await expect(checkEtcdSignIn({ client: clientFailingWith(away), keys }, {})).resolves.toBeUndefined();
  });

  it('names the user and the settings when etcd refuses the password', async () => {
    const refused = new EtcdAuthenticationFailedError('authentication failed, invalid user ID or password');
    const check = checkEtcdSignIn({ client: clientFailingWith(refused), keys }, { username: 'ringcache' });
    await expect(check).rejects.toThrow(EtcdSignInError);
    await expect(check).rejects.toThrow(
      /^etcd authentication failed for user "ringcache": check etcd.username and etcd.password \(RINGCACHE_ETCD_USERNAME/,
    );
  });

  it('names the prefix the role lacks when etcd denies the read', async () => {
    const denied = new EtcdPermissionDeniedError('permission denied');
    const check = checkEtcdSignIn({ client: clientFailingWith(denied), keys }, { username: 'ringcache' });
    await expect(check).rejects.toThrow(/permission denied for user "ringcache" on ringcache\/prod\//);
    await expect(check).rejects.toThrow(/readwrite ringcache\/prod\//);
  });
});
