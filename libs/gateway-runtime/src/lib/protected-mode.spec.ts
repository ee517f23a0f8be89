import { ConfigError, loadConfig } from '@ringcache/config';

import { checkProtectedMode, isLoopback } from './protected-mode';

const config = (env: NodeJS.ProcessEnv) => loadConfig({ env, cwd: '/nonexistent-ringcache-dir' });
const KEYS = JSON.stringify([{ name: 'app', sha256: 'a'.repeat(64), scopes: ['read'] }]);

describe('protected mode', () => {
  it.each(['127.0.0.1', '127.8.9.1', 'localhost', '::1', '[::1]'])('counts %s as loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '10.0.0.7', 'gateway', '128.0.0.1'])('does not count %s as loopback', (host) => {
    expect(isLoopback(host)).toBe(false);
  });

  it('lets a gateway without keys listen on loopback (npm start)', () => {
    expect(() => checkProtectedMode(config({}))).not.toThrow();
  });

  it('refuses a gateway on 0.0.0.0 without keys, naming the settings to change', () => {
    const attempt = () => checkProtectedMode(config({ RINGCACHE_GATEWAY_HOST: '0.0.0.0' }));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /gateway\.apiKeys.*security\.insecure: true \(RINGCACHE_SECURITY_INSECURE=true\)/s,
    );
  });

  it('lets it listen with keys, or with security.insecure', () => {
    expect(() =>
      checkProtectedMode(config({ RINGCACHE_GATEWAY_HOST: '0.0.0.0', RINGCACHE_GATEWAY_API_KEYS: KEYS })),
    ).not.toThrow();
    expect(() =>
      checkProtectedMode(config({ RINGCACHE_GATEWAY_HOST: '0.0.0.0', RINGCACHE_SECURITY_INSECURE: 'true' })),
    ).not.toThrow();
  });
});
