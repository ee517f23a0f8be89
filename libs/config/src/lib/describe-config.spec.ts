import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeConfig } from './describe-config';
import { loadConfig } from './load-config';
import { redactUrl } from './redact';

let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'ringcache-describe-'));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe('describeConfig', () => {
  it('gives one line per section', () => {
    const env = {
      RINGCACHE_NODE_NAME: 'node1',
      RINGCACHE_NODES: '[{"name":"node1","grpc":"h:8001","http":"h:8101"}]',
    };
    expect(describeConfig(loadConfig({ env, cwd })).split('\n')).toEqual([
      'cluster: ringcache (no file)',
      'node: node1 on 127.0.0.1, grpc 8001, http 8101, advertised as 127.0.0.1, at most 20000 requests in flight, requests received within 30s',
      'peers: grpc, deadline 3s, 160 vnodes, 8 probes, batches of 1000 keys per tick, skip a node for 5s after 3 failures in a row',
      'nodes: node1 h:8001/h:8101',
      'gateway: 127.0.0.1:9999, keys up to 1KiB, values up to 1MiB',
      'gateway security: http, no api keys, at most 10000 requests in flight, requests received within 30s, at most 64 event streams',
      'ttlWorker: 127.0.0.1:8200',
      'mysql: none (using sqlite)',
      `sqlite: ${join(cwd, 'data/ringcache.sqlite')}`,
      'demo: seed on',
      'etcd: none (static membership from nodes)',
      'groups: scores (64MiB, ttl 5m, negative ttl 30s, hot 12.5%, load timeout 2500ms, hot keys 256 over 1m)',
      'tls: none (plaintext between processes)',
      'security: protected mode on',
      'log: info, auto, slow requests from 1s',
    ]);
  });

  it('gives each process only the sections it reads', () => {
    const env = { RINGCACHE_GROUPS: '{"scores":{"hotKeys":0}}' };
    const sections = (reader: 'node' | 'gateway' | 'ttl-worker') =>
      describeConfig(loadConfig({ env, cwd }), reader)
        .split('\n')
        .map((line) => line.slice(0, line.indexOf(':')));
    const shared = ['cluster', 'peers', 'nodes', 'etcd', 'tls', 'security', 'log'];
    expect(sections('gateway').sort()).toEqual([...shared, 'gateway', 'gateway security', 'groups'].sort());
    expect(sections('node').sort()).toEqual([...shared, 'node', 'mysql', 'sqlite', 'demo', 'groups'].sort());
    expect(sections('ttl-worker').sort()).toEqual([...shared, 'ttlWorker'].sort());
    expect(describeConfig(loadConfig({ env, cwd }), 'gateway')).toContain('hot keys not counted');
  });

  it('never prints a password', () => {
    const env = {
      RINGCACHE_MYSQL_URL: 'mysql://app:hunter2@db:3306/app',
      RINGCACHE_ETCD_ENDPOINTS: 'https://etcd:2379',
      RINGCACHE_ETCD_USERNAME: 'root',
      RINGCACHE_ETCD_PASSWORD: 'correct-horse',
    };
    const text = describeConfig(loadConfig({ env, cwd }));
    expect(text).not.toMatch(/hunter2|correct-horse/);
    expect(text).toContain('mysql: mysql://app:***@db:3306/app, pool 10, connect timeout 2s');
    expect(text).toContain(
      'etcd: https://etcd:2379, dial timeout 2s, lease 5s, user root, password (hidden)',
    );
    expect(text).toContain('sqlite: ');
  });

  it('names API keys and their scopes, never their digests', () => {
    const env = {
      RINGCACHE_GATEWAY_API_KEYS: JSON.stringify([
        { name: 'app', sha256: 'ab'.repeat(32), scopes: ['read', 'write'], rateLimit: { perSecond: 5 } },
      ]),
      RINGCACHE_SECURITY_INSECURE: '1',
    };
    const text = describeConfig(loadConfig({ env, cwd }));
    expect(text).toContain(
      'gateway security: http, api keys app (read+write 5/s burst 5), at most 10000 requests in flight, requests received within 30s, at most 64 event streams, insecure: protected mode off',
    );
    expect(text).not.toContain('abab');
  });
});

describe('redactUrl', () => {
  it('hides the password, even one with @ or / in it, and leaves other URLs alone', () => {
    expect(redactUrl('mysql://root:pw@db/app')).toBe('mysql://root:***@db/app');
    expect(redactUrl('mysql://root:p@ss/w@db/app')).toBe('mysql://root:***@db/app');
    expect(redactUrl('mysql://root@db:3306/app')).toBe('mysql://root@db:3306/app');
    expect(redactUrl('mysql://db:3306/app')).toBe('mysql://db:3306/app');
  });
});
