import { join } from 'node:path';

import {
  builtApp,
  eventually,
  EtcdCluster,
  startProcess,
  TestCa,
  freePort,
  startCluster,
  type GatewayHandle,
  type ManagedProcess,
  type TestCluster,
} from '@ringcache/testing';

import { API_KEYS_ENV, KEYS } from '../security/gateway-routes';
import { parsed, ringcache } from './run-cli';

/**
 * The `ringcache` command as a user runs it, on a real cluster discovered through etcd: every command
 * against the gateway in text and in JSON, the exit codes (0 done, 1 not found, 2 usage, 3 unavailable),
 * API keys against a gateway that wants them, and get/set/del/mget through the SDK with `--etcd`.
 */
describe('the ringcache CLI', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let secured: GatewayHandle;
  let gw: string[];
  let ca: TestCa;
  let httpsGateway: ManagedProcess;
  let httpsUrl: string;

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
    cluster = await startCluster({ nodes: 2, etcd: { endpoints: etcd.endpoints, leaseTtlSeconds: 2 } });
    secured = await cluster.addGateway('secured', { RINGCACHE_GATEWAY_API_KEYS: API_KEYS_ENV });
    gw = ['--gateway', cluster.gateway?.url ?? ''];
    // A gateway serving HTTPS with a certificate of a CA made here.
    ca = TestCa.create(cluster.dir);
    const served = ca.issue('gateway');
    const port = await freePort();
    httpsUrl = `https://127.0.0.1:${port}`;
    httpsGateway = startProcess({
      name: 'https-gateway',
      command: process.execPath,
      args: [builtApp('gateway')],
      cwd: cluster.dir,
      env: {
        PATH: process.env['PATH'],
        RINGCACHE_SQLITE_PATH: join(cluster.dir, 'ringcache.sqlite'),
        RINGCACHE_GATEWAY_PORT: String(port),
        RINGCACHE_ETCD_ENDPOINTS: etcd.endpoints.join(','),
        RINGCACHE_CLUSTER: 'e2e',
        RINGCACHE_GATEWAY_TLS_CERT_FILE: served.certFile,
        RINGCACHE_GATEWAY_TLS_KEY_FILE: served.keyFile,
      },
    });
    await eventually(
      'the HTTPS gateway to be ready',
      async () => {
        if (!httpsGateway.alive) throw new Error(`exited:\n${httpsGateway.output()}`);
        const run = await ringcache('get', 'scores', 'Tom', '--gateway', httpsUrl, '--tls-ca', ca.caFile);
        return run.code === 0;
      },
      30_000,
    );
  });

  afterAll(async () => {
    await httpsGateway?.stop('SIGTERM', 5_000);
    await cluster?.stop();
    await etcd?.stop();
  });

  it('prints help and exits 0, and 2 for bad usage', async () => {
    const help = await ringcache('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: ringcache <command>');
    expect(help.stdout).toContain('Exit codes:');
    for (const args of [
      ['frob'],
      ['get', 'scores'],
      ['get', 'scores', 'Tom', '--nope'],
      ['watch', '--count', '0'],
    ]) {
      const run = await ringcache(...args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(/^ringcache: /);
    }
    const flush = await ringcache('flush', 'scores', '--etcd', etcd.endpoints[0]);
    expect(flush).toMatchObject({ code: 2, stderr: expect.stringContaining('flush needs the gateway') });
  });

  it('gets a value (0), and a missing key exits 1', async () => {
    expect(await ringcache('get', 'scores', 'Tom', ...gw)).toEqual({ code: 0, stdout: '630\n', stderr: '' });
    const json = await ringcache('get', 'scores', 'Tom', '--json', ...gw);
    expect(parsed(json)).toMatchObject({ group: 'scores', key: 'Tom', found: true, value: '630' });
    const missing = await ringcache('get', 'scores', 'Nobody', ...gw);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: '(not found) scores/Nobody\n' });
    const missingJson = await ringcache('get', 'scores', 'Nobody', '--json', ...gw);
    expect({ code: missingJson.code, body: parsed(missingJson) }).toEqual({
      code: 1,
      body: { group: 'scores', key: 'Nobody', found: false },
    });
    const unknownGroup = await ringcache('get', 'nogroup', 'x', ...gw);
    expect(unknownGroup).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown_group') });
  });

  it('sets with a TTL, reads it back with mget, and deletes it', async () => {
    const set = await ringcache('set', 'scores', 'cli-a', 'hello world', '--ttl', '30s', ...gw);
    expect(set).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^OK, expires \S+ \(in (29|30) s\)\n$/),
    });
    const setJson = await ringcache('set', 'scores', 'cli-b', 'two', '--json', ...gw);
    expect(parsed(setJson)).toEqual({ group: 'scores', key: 'cli-b', expireAtMs: expect.any(Number) });
    expect((await ringcache('set', 'scores', 'cli-c', 'x', '--ttl', 'soon', ...gw)).code).toBe(2);

    const mget = await ringcache('mget', 'scores', 'cli-a', 'cli-b', 'Nobody', 'Tom', ...gw);
    expect(mget.code).toBe(0);
    const lines = mget.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY\s+VALUE\s+EXPIRES$/);
    expect(lines[1]).toMatch(/^cli-a\s+hello world\s+\S+ \(in \d+ s\)$/);
    expect(lines[2]).toMatch(/^cli-b\s+two\s+\S/);
    expect(lines[3]).toMatch(/^Nobody\s+\(not found\)$/);
    expect(lines[4]).toMatch(/^Tom\s+630\s/);
    const mgetJson = parsed(await ringcache('mget', 'scores', 'cli-b', 'Nobody', '--json', ...gw));
    expect(mgetJson).toEqual({
      group: 'scores',
      results: [
        { key: 'cli-b', found: true, value: 'two', expireAtMs: expect.any(Number) },
        { key: 'Nobody', found: false },
      ],
    });

    expect(await ringcache('del', 'scores', 'cli-a', ...gw)).toEqual({
      code: 0,
      stdout: 'deleted\n',
      stderr: '',
    });
    expect((await ringcache('get', 'scores', 'cli-a', ...gw)).code).toBe(1);
    expect(parsed(await ringcache('del', 'scores', 'cli-b', '--json', ...gw))).toEqual({
      group: 'scores',
      key: 'cli-b',
      deleted: true,
    });
  });

  it('shows the cluster, the stats and the hot keys, and flushes a group', async () => {
    const view = await ringcache('cluster', ...gw);
    expect(view.code).toBe(0);
    expect(view.stdout).toMatch(
      /^ring \S+, 2 node\(s\), discovery etcd \(watching\)\nNAME\s+GRPC\s+HTTP\nnode1\s/,
    );
    expect(parsed(await ringcache('cluster', '--json', ...gw))).toMatchObject({
      members: [{ name: 'node1' }, { name: 'node2' }],
    });

    for (let i = 0; i < 5; i++) await ringcache('get', 'scores', 'Jack', ...gw);
    const stats = await ringcache('stats', ...gw);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(
      /^GROUP\s+NODES\s+GETS\s+HITS\s+HIT%\s+NOT-FOUND\s+LOADS\s+EVICTIONS\s+BYTES\s+ITEMS\n/,
    );
    expect(stats.stdout).toMatch(/\nscores\s+2\s+\d+\s+\d+\s+\d+\.\d%\s/);
    expect(stats.stdout).toContain('nodes: 2 of 2 answered');
    const statsJson = parsed(await ringcache('stats', '--json', ...gw)) as { groups: { name: string }[] };
    expect(statsJson.groups.map((g) => g.name)).toContain('scores');

    const hot = await ringcache('hot', 'scores', '--limit', '3', ...gw);
    expect(hot.code).toBe(0);
    expect(hot.stdout).toMatch(/^KEY\s+REQ\/S\s+COUNT\nJack\s/);
    expect(parsed(await ringcache('hot', 'scores', '--json', ...gw))).toMatchObject({
      group: 'scores',
      keys: expect.any(Array),
    });

    const flush = await ringcache('flush', 'scores', ...gw);
    expect(flush).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^flushed scores: generation \d+, applied by 2 node\(s\)\n$/),
    });
    expect(parsed(await ringcache('flush', 'scores', '--json', ...gw))).toMatchObject({
      group: 'scores',
      nodes: 2,
    });
  });

  it('watches the rates for --count intervals', async () => {
    // A new key each time: the gateway's near cache would answer a repeated one, and no node count it.
    let i = 0;
    const reads = setInterval(
      () => void fetch(`${cluster.gateway?.url}/api/v1/groups/scores/keys/w${i++}`),
      50,
    );
    try {
      const run = await ringcache('watch', '--count', '2', '--interval', '500ms', ...gw);
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^TIME\s+GROUP\s+GETS\/S\s+HIT%\s+LOADS\/S\s+BYTES\s+ITEMS$/);
      expect(
        lines.filter((l) => /^\d\d:\d\d:\d\d\s+scores\s+\d+\.\d\s+(\d+\.\d%|-)\s+\d+\.\d\s/.test(l)),
      ).toHaveLength(2);
      const json = await ringcache('watch', '--count', '1', '--interval', '500ms', '--json', ...gw);
      const tick = parsed(json) as { groups: { group: string; getsPerSecond: number }[] };
      expect(tick.groups.find((g) => g.group === 'scores')?.getsPerSecond).toBeGreaterThan(0);
    } finally {
      clearInterval(reads);
    }
  });

  it('exits 3 when the gateway cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await ringcache('get', 'scores', 'Tom', '--gateway', closed);
    expect(run).toMatchObject({
      code: 3,
      stdout: '',
      stderr: expect.stringContaining(`cannot reach the gateway at ${closed}`),
    });
    expect((await ringcache('stats', '--gateway', closed, '--json')).code).toBe(3);
  });

  it('sends --api-key, and says clearly when a key is missing or lacks the scope', async () => {
    const at = ['--gateway', secured.url];
    const none = await ringcache('get', 'scores', 'Tom', ...at);
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('wants an API key') });
    expect(await ringcache('get', 'scores', 'Tom', '--api-key', KEYS.reader, ...at)).toMatchObject({
      code: 0,
      stdout: '630\n',
    });
    const denied = await ringcache('set', 'scores', 'k', 'v', '--api-key', KEYS.reader, ...at);
    expect(denied).toMatchObject({ code: 2, stderr: expect.stringContaining('may not do that') });
    expect((await ringcache('stats', '--api-key', KEYS.ops, ...at)).code).toBe(0);
  });

  it('reaches an https gateway trusting --tls-ca, and says so when it cannot verify it (2)', async () => {
    const at = ['--gateway', httpsUrl];
    expect(await ringcache('get', 'scores', 'Tom', ...at, '--tls-ca', ca.caFile)).toMatchObject({
      code: 0,
      stdout: '630\n',
    });
    const untrusted = await ringcache('get', 'scores', 'Tom', ...at);
    expect(untrusted).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give its CA with --tls-ca'),
    });
    const missing = await ringcache('get', 'scores', 'Tom', ...at, '--tls-ca', join(cluster.dir, 'nope.pem'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--tls-ca: cannot read') });
  });

  it('gets, sets, deletes and mgets through etcd and the SDK', async () => {
    // The test cluster registers under the name e2e (the default is ringcache).
    const at = ['--etcd', etcd.endpoints.join(','), '--cluster', 'e2e'];
    expect(await ringcache('get', 'scores', 'Tom', ...at)).toMatchObject({ code: 0, stdout: '630\n' });
    expect((await ringcache('set', 'scores', 'sdk-1', 'via etcd', '--ttl', '1m', ...at)).code).toBe(0);
    expect(await ringcache('get', 'scores', 'sdk-1', ...gw)).toMatchObject({ code: 0, stdout: 'via etcd\n' });
    const mget = parsed(await ringcache('mget', 'scores', 'sdk-1', 'Nobody', '--json', ...at));
    expect(mget).toMatchObject({
      results: [
        { key: 'sdk-1', value: 'via etcd' },
        { key: 'Nobody', found: false },
      ],
    });
    expect(await ringcache('del', 'scores', 'sdk-1', ...at)).toMatchObject({ code: 0, stdout: 'deleted\n' });
    expect((await ringcache('get', 'scores', 'sdk-1', ...at)).code).toBe(1);
  });
});
