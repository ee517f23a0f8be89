import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from './errors';
import { loadConfig } from './load-config';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringcache-rules-'));
  file = join(dir, 'ringcache.yaml');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function issuesOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  writeFileSync(file, yaml);
  try {
    loadConfig({ env, cwd: dir, file });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.replaceAll(file, 'F'));
    throw error;
  }
  return [];
}

describe('rules between settings', () => {
  it('want every group load timeout below the peer deadline, naming both origins', () => {
    const yaml = 'groups:\n  scores: { loadTimeout: 3s }\n  users: { loadTimeout: 1s }\n';
    expect(issuesOf(yaml)).toEqual([
      'groups.scores.loadTimeout: must be shorter than peers.deadlineMs (3000 ms, default), got 3000 ms (from file F)',
    ]);
    expect(issuesOf(yaml, { RINGCACHE_PEERS_DEADLINE_MS: '5000' })).toEqual([]);
  });

  it('want the peer deadline above the load timeout of groups that are not configured', () => {
    const yaml = 'groups:\n  scores: { loadTimeout: 1s }\n';
    expect(issuesOf(yaml, { RINGCACHE_PEERS_DEADLINE_MS: '2000' })).toEqual([
      'peers.deadlineMs: must be longer than the default group loadTimeout (2500 ms), got 2000 (from RINGCACHE_PEERS_DEADLINE_MS)',
    ]);
  });

  it('skip a setting that is already rejected, rather than report it twice', () => {
    expect(issuesOf('peers: { deadlineMs: soon }\n')).toEqual([
      'peers.deadlineMs: must be an integer in [1, 2147483647], got "soon" (from file F)',
    ]);
  });

  it('want distinct gRPC and HTTP ports, unless both pick a free one', () => {
    expect(issuesOf('node: { grpcPort: 8001, httpPort: 8001 }\n')).toEqual([
      'node.httpPort: must differ from node.grpcPort (from file F), got 8001 (from file F)',
    ]);
    expect(issuesOf('node: { grpcPort: 0, httpPort: 0 }\n')).toEqual([]);
  });

  it('want a TLS client certificate and its key together', () => {
    expect(issuesOf('etcd: { tls: { certFile: c.pem } }\n')).toEqual([
      'etcd.tls.keyFile: must be set too, since etcd.tls.certFile is set (from file F)',
    ]);
    expect(
      issuesOf('etcd: { tls: { certFile: c.pem } }\n', { RINGCACHE_ETCD_TLS_KEY_FILE: 'k.pem' }),
    ).toEqual([]);
  });

  it('want a table-backed group to name its table, key column and value column', () => {
    expect(issuesOf('groups:\n  items: { table: bench_items, keyColumn: k }\n')).toEqual([
      'groups.items.valueColumn: must be set too: a group read from a table needs table, keyColumn and valueColumn (from file F)',
    ]);
    expect(issuesOf('groups:\n  items: { table: "bench items", keyColumn: k, valueColumn: v }\n')).toEqual([
      'groups.items.table: must be an SQL identifier: a letter or _, then up to 63 of A-Z a-z 0-9 _, got "bench items" (from file F)',
    ]);
    expect(issuesOf('groups:\n  items: { table: bench_items, keyColumn: k, valueColumn: v }\n')).toEqual([]);
  });

  it('want all three mutual TLS files, naming the ones missing', () => {
    writeFileSync(join(dir, 'ca.pem'), 'x');
    expect(issuesOf('tls: { certFile: ca.pem }\n')).toEqual([
      'tls.caFile: must be set too, since tls.certFile is set: mutual TLS needs tls.caFile, tls.certFile and tls.keyFile (from file F)',
      'tls.keyFile: must be set too, since tls.certFile is set: mutual TLS needs tls.caFile, tls.certFile and tls.keyFile (from file F)',
    ]);
    const env = {
      RINGCACHE_TLS_CA_FILE: 'ca.pem',
      RINGCACHE_TLS_CERT_FILE: 'ca.pem',
      RINGCACHE_TLS_KEY_FILE: 'ca.pem',
    };
    expect(issuesOf('', env)).toEqual([]);
  });

  it('want mutual TLS files this process can read', () => {
    writeFileSync(join(dir, 'ca.pem'), 'x');
    const env = {
      RINGCACHE_TLS_CA_FILE: 'ca.pem',
      RINGCACHE_TLS_CERT_FILE: 'gone.pem',
      RINGCACHE_TLS_KEY_FILE: 'ca.pem',
    };
    expect(issuesOf('', env)).toEqual([
      `tls.certFile: cannot read ${join(dir, 'gone.pem')} (ENOENT) (from RINGCACHE_TLS_CERT_FILE)`,
    ]);
  });
});
