import { ScratchMysql, startCluster, type TestCluster } from '@ringcache/testing';

import { get, ownerOf, peerUrl, request } from '../support';

/** One entry's outcome as the batch routes answer it. */
interface Outcome {
  key: string;
  expireAtMs?: number;
  deleted?: boolean;
  error?: { code: string; message: string };
}

/**
 * keys:batchSet and keys:batchDelete through the gateway on real processes and MariaDB: split per owner,
 * read back through the gateway and on every node, every entry checked before anything is stored, and an
 * unreachable owner failing only its own entries.
 */
describe('batch writes', () => {
  let mysql: ScratchMysql;
  let cluster: TestCluster;
  const api = (path: string) => `${cluster.gateway?.url}/api/v1/groups/${path}`;
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const post = async (path: string, body: unknown) => {
    const answer = await request('POST', api(path), typeof body === 'string' ? body : JSON.stringify(body), {
      'content-type': 'application/json',
    });
    return {
      status: answer.status,
      body: JSON.parse(answer.body) as { code?: string; message?: string; results?: Outcome[] },
    };
  };
  const read = async (key: string) => (await get(api(`items/keys/${encodeURIComponent(key)}`))).body;

  beforeAll(async () => {
    mysql = await ScratchMysql.create();
    await mysql.exec('CREATE TABLE item (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)');
    await mysql.exec(
      `INSERT INTO item VALUES ${Array.from({ length: 300 }, (_, i) => `('k${i}', 'old${i}')`).join(', ')}`,
    );
    await mysql.exec(
      'CREATE TABLE student (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) UNIQUE, score INT)',
    );
    cluster = await startCluster({
      mysqlUrl: mysql.url,
      env: { RINGCACHE_DEMO_SEED: 'false', RINGCACHE_GATEWAY_MAX_VALUE_BYTES: '1024' },
      groups: { items: { table: 'item', keyColumn: 'k', valueColumn: 'v', ttl: '10m' } },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await mysql?.drop();
  });

  it('stores 300 entries on every owner in one request, read back everywhere, then drops them', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    expect(new Set(keys.map((k) => ownerOf(cluster, 'items', k))).size).toBe(3);
    for (const key of keys.slice(0, 30)) expect(await read(key)).toBe(`old${key.slice(1)}`);
    const entries = keys.map((key, i) => ({
      key,
      value: b64(`new-${key}`),
      ...(i % 2 ? { ttl: '30s' } : {}),
    }));
    const set = await post('items/keys:batchSet', { entries });
    expect(set.status).toBe(200);
    expect(set.body.results?.map((r) => r.key)).toEqual(keys);
    const now = Date.now();
    set.body.results?.forEach((r, i) =>
      i % 2
        ? expect(r.expireAtMs).toBeLessThanOrEqual(now + 30_000)
        : expect(r.expireAtMs).toBeGreaterThan(now + 60_000),
    );
    for (const key of keys) expect(await read(key)).toBe(`new-${key}`);
    // Every node answers the new value: the owners' fan-out dropped every old copy.
    for (const node of cluster.nodes)
      for (const key of keys.slice(0, 20))
        expect((await get(peerUrl(node, 'items', key))).body).toBe(`new-${key}`);

    const dropped = await post('items/keys:batchDelete', { keys: [...keys, 'never-cached'] });
    expect(dropped.status).toBe(200);
    expect(dropped.body.results?.map((r) => r.deleted)).toEqual([...keys.map(() => true), false]);
    // Deleted from the cache, not the database: the next reads load the table's values again.
    for (const key of keys) expect(await read(key)).toBe(`old${key.slice(1)}`);
  });

  it.each([
    ['no entries', { entries: [] }, 400, 'invalid_argument', /entries must not be empty/],
    [
      '1,001 entries',
      { entries: Array.from({ length: 1_001 }, (_, i) => ({ key: `x${i}`, value: 'dg==' })) },
      400,
      'invalid_argument',
      /at most 1000 entries/,
    ],
    [
      'a bad ttl in one entry',
      {
        entries: [
          { key: 'k0', value: 'dg==' },
          { key: 'k1', value: 'dg==', ttl: '31d' },
        ],
      },
      400,
      'invalid_argument',
      /^entries\[1\]: ttl/,
    ],
    [
      'bad base64 in one entry',
      {
        entries: [
          { key: 'k0', value: 'dg==' },
          { key: 'k1', value: 'not base64!' },
        ],
      },
      400,
      'invalid_argument',
      /entries\[1\]\.value/,
    ],
    [
      'a value over the limit in one entry',
      {
        entries: [
          { key: 'k0', value: 'dg==' },
          { key: 'k1', value: 'x'.repeat(1_400) },
        ],
      },
      413,
      'value_too_large',
      /^entries\[1\]: value is 1050 bytes/,
    ],
    [
      'a key over the limit in one entry',
      {
        entries: [
          { key: 'k0', value: 'dg==' },
          { key: 'k'.repeat(1_025), value: 'dg==' },
        ],
      },
      414,
      'key_too_long',
      /key is 1025 bytes/,
    ],
    [
      'an empty key in one entry',
      {
        entries: [
          { key: 'k0', value: 'dg==' },
          { key: '', value: 'dg==' },
        ],
      },
      400,
      'invalid_argument',
      /key must not be empty/,
    ],
    ['a body that is not JSON', 'entries', 400, 'invalid_argument', /must be JSON/],
  ])('refuses %s, and stores nothing of the batch', async (_what, body, status, code, message) => {
    const answer = await post('items/keys:batchSet', body);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ code, message: expect.stringMatching(message) });
    expect(await read('k0')).toBe('old0');
  });

  it('answers an unknown group 404 and a bad batchDelete 400, changing nothing', async () => {
    expect((await post('nope/keys:batchSet', { entries: [{ key: 'k0', value: 'dg==' }] })).status).toBe(404);
    expect((await post('nope/keys:batchDelete', { keys: ['k0'] })).status).toBe(404);
    expect((await post('items/keys:batchDelete', { keys: [] })).body.code).toBe('invalid_argument');
    expect((await post('items/keys:batchDelete', { keys: 'k0' })).body.code).toBe('invalid_argument');
  });

  it('answers 503 with each entry’s outcome when an owner is down: the other owners’ entries are stored', async () => {
    const victim = cluster.nodes[2];
    await victim.process.stop('SIGKILL');
    const keys = Array.from({ length: 30 }, (_, i) => `k${i + 100}`);
    const answer = await post('items/keys:batchSet', {
      entries: keys.map((key) => ({ key, value: b64(`late-${key}`) })),
    });
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('unavailable');
    const lost = keys.filter((k) => ownerOf(cluster, 'items', k) === victim.name);
    expect(lost.length).toBeGreaterThan(0);
    expect(answer.body.message).toBe(`${lost.length} of 30 keys not stored: their owners did not answer`);
    answer.body.results?.forEach((r, i) => {
      if (lost.includes(keys[i])) expect(r.error?.code).toBe('unavailable');
      else expect(r).toEqual({ key: keys[i], expireAtMs: expect.any(Number) });
    });
    for (const key of keys.filter((k) => !lost.includes(k))) expect(await read(key)).toBe(`late-${key}`);
    await cluster.restartNode(victim.name);
  });
});
