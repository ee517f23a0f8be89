import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from './load-config';
import { isLoopbackHost, nodeProtectedModeProblem } from './protected-mode';

const cwd = mkdtempSync(join(tmpdir(), 'ringcache-protected-'));
const problemFor = (env: NodeJS.ProcessEnv) => nodeProtectedModeProblem(loadConfig({ env, cwd }));
const TLS = {
  RINGCACHE_TLS_CA_FILE: '/dev/null',
  RINGCACHE_TLS_CERT_FILE: '/dev/null',
  RINGCACHE_TLS_KEY_FILE: '/dev/null',
};

describe('protected mode of a node', () => {
  it('tells loopback hosts from the others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: true });
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'node1', 'fe80::1', '128.0.0.1'])
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: false });
  });

  it('lets a node on loopback start without tls (npm start)', () => {
    expect(problemFor({})).toBeUndefined();
  });

  it('stops a node on a non-loopback address without tls, naming the settings to change', () => {
    const problem = problemFor({ RINGCACHE_NODE_HOST: '0.0.0.0' });
    expect(problem).toMatch(/^node\.host: 0\.0\.0\.0 is not a loopback address and tls is not configured/);
    expect(problem).toContain('tls.caFile, tls.certFile and tls.keyFile');
    expect(problem).toContain('security.insecure: true (RINGCACHE_SECURITY_INSECURE=true)');
  });

  it('lets it start with tls, or with security.insecure said explicitly', () => {
    expect(problemFor({ RINGCACHE_NODE_HOST: '0.0.0.0', ...TLS })).toBeUndefined();
    expect(
      problemFor({ RINGCACHE_NODE_HOST: '0.0.0.0', RINGCACHE_SECURITY_INSECURE: 'true' }),
    ).toBeUndefined();
  });
});
