import { loadConfig } from './load-config';

const HEX = 'ab'.repeat(32);
const load = (keys: unknown) =>
  loadConfig({
    env: { RINGCACHE_GATEWAY_API_KEYS: JSON.stringify(keys) },
    cwd: '/nonexistent-ringcache-dir',
  });
const problems = (keys: unknown): string[] => {
  try {
    load(keys);
    return [];
  } catch (error) {
    return (error as { issues: string[] }).issues;
  }
};
const FROM = '(from RINGCACHE_GATEWAY_API_KEYS)';

describe('gateway.apiKeys', () => {
  it('reads names, lowercase digests, scopes and rate limits (burst defaults to a second of it)', () => {
    const keys = load([
      { name: 'app', sha256: HEX.toUpperCase(), scopes: ['read', 'write'], rateLimit: { perSecond: 2.5 } },
      { name: 'ops', sha256: 'cd'.repeat(32), scopes: ['admin'], rateLimit: { perSecond: 10, burst: 50 } },
    ]).gateway.apiKeys;
    expect(keys).toEqual([
      { name: 'app', sha256: HEX, scopes: ['read', 'write'], rateLimit: { perSecond: 2.5, burst: 3 } },
      { name: 'ops', sha256: 'cd'.repeat(32), scopes: ['admin'], rateLimit: { perSecond: 10, burst: 50 } },
    ]);
  });

  it('defaults to no keys', () => {
    expect(loadConfig({ env: {}, cwd: '/nonexistent-ringcache-dir' }).gateway.apiKeys).toEqual([]);
  });

  it('rejects bad hex without quoting it (it may be the key itself)', () => {
    const issues = problems([{ name: 'app', sha256: 'my-secret-key', scopes: ['read'] }]);
    expect(issues).toEqual([
      `gateway.apiKeys[0].sha256: must be 64 hex digits, the SHA-256 of the key (printf %s "$KEY" | sha256sum) ${FROM}`,
    ]);
    expect(issues.join('\n')).not.toContain('my-secret-key');
  });

  it('rejects unknown scopes, empty scopes, duplicate names and the same digest twice', () => {
    expect(
      problems([
        { name: 'app', sha256: HEX, scopes: ['read', 'delete'] },
        { name: 'app', sha256: 'cd'.repeat(32), scopes: [] },
        { name: 'other', sha256: HEX, scopes: ['admin'] },
      ]),
    ).toEqual([
      `gateway.apiKeys[0].scopes[1]: unknown scope; must be one of read, write, admin, got "delete" ${FROM}`,
      `gateway.apiKeys[1].scopes: must be a non-empty list of read, write, admin, got [] ${FROM}`,
      `gateway.apiKeys[1].name: duplicate API key name, got "app" ${FROM}`,
      `gateway.apiKeys[2].sha256: the same key is listed twice (same sha256) ${FROM}`,
    ]);
  });

  it('rejects missing fields, unknown fields and bad rate limits', () => {
    expect(
      problems([
        { sha256: HEX, scope: ['read'] },
        { name: 'x', sha256: 'cd'.repeat(32), scopes: ['read'], rateLimit: { perSecond: 0, burst: 0 } },
        'app',
      ]),
    ).toEqual([
      `gateway.apiKeys[0].scope: unknown setting; an API key has name, sha256, scopes, rateLimit ${FROM}`,
      `gateway.apiKeys[0].name: is required ${FROM}`,
      `gateway.apiKeys[0].scopes: is required ${FROM}`,
      `gateway.apiKeys[1].rateLimit.perSecond: must be a number in [0.001, 1000000], got 0 ${FROM}`,
      `gateway.apiKeys[1].rateLimit.burst: must be an integer in [1, 1000000], got 0 ${FROM}`,
      `gateway.apiKeys[2]: must be a mapping { name, sha256, scopes }, got "app" ${FROM}`,
    ]);
  });

  it('wants both gateway.tls files or neither', () => {
    expect(() =>
      loadConfig({ env: { RINGCACHE_GATEWAY_TLS_CERT_FILE: '/c.pem' }, cwd: '/nonexistent-ringcache-dir' }),
    ).toThrow(
      'gateway.tls.keyFile: must be set too, since gateway.tls.certFile is set (from RINGCACHE_GATEWAY_TLS_CERT_FILE)',
    );
  });
});
