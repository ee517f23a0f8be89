import { InvalidArgumentError } from '@ringcache/cache-core';
import { GrpcPeerClient } from '@ringcache/peer-grpc';
import { startCluster, type TestCluster } from '@ringcache/testing';

import { get } from '../support';

/** Bad input gets a clear 4xx (JSON {code, message}) and changes nothing; every process stays up. */
describe('bad input', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, transport: 'grpc' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const long = 'a'.repeat(1_025);

  it.each([
    ['/api/v1/groups/scores/keys/', 400, 'invalid_argument'],
    ['/api?key=', 400, 'invalid_argument'],
    ['/api?group=scores', 400, 'invalid_argument'],
    ['/api?key=a&key=b', 400, 'invalid_argument'],
    [`/api/v1/groups/scores/keys/${long}`, 414, 'key_too_long'],
    [`/api?key=${long}`, 414, 'key_too_long'],
    ['/api/v1/groups/scores/keys/%ZZ', 400, 'invalid_argument'],
    ['/api/v1/groups/scores/keys/%C3%28', 400, 'invalid_argument'],
    ['/api/v1/groups/nope/keys/Tom', 404, 'unknown_group'],
    ['/api/v1/nothing-here', 404, 'not_found'],
  ])('gateway %s → %d %s', async (path, status, code) => {
    const answer = await get(`${cluster.gateway?.url}${path}`);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toMatchObject({ code });
  });

  it.each([
    ['/_ringcache/scores/Tom', { 'x-ringcache-hops': 'abc' }, 400, 'invalid_argument'],
    ['/_ringcache/scores/Tom', { 'x-ringcache-hops': '99' }, 400, 'invalid_argument'],
    ['/_ringcache/scores/%ZZ', {}, 400, 'invalid_argument'],
    [`/_ringcache/scores/${long}`, {}, 414, 'key_too_long'],
    ['/_ringcache/nope/Tom', {}, 404, 'unknown_group'],
  ])('node peer endpoint %s %j → %d %s', async (path, headers, status, code) => {
    const answer = await get(`${cluster.nodes[0].url}${path}`, headers as Record<string, string>);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toMatchObject({ code });
  });

  it('rejects a malformed batch body with 400', async () => {
    const res = await fetch(`${cluster.nodes[0].url}/_ringcache/scores:batchGet`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"keys": [1, 2',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('invalid_argument');
  });

  it('rejects malformed gRPC requests with INVALID_ARGUMENT', async () => {
    const client = new GrpcPeerClient({ name: 'node1', address: `127.0.0.1:${cluster.nodes[0].grpcPort}` });
    try {
      await expect(
        client.get({ group: 'scores', key: '', hops: 0, ringVersion: '' }, { deadlineMs: 5_000 }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        client.get({ group: '', key: 'Tom', hops: 0, ringVersion: '' }, { deadlineMs: 5_000 }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        client.get({ group: 'scores', key: 'Tom', hops: 50, ringVersion: '' }, { deadlineMs: 5_000 }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    } finally {
      await client.close();
    }
  });

  it('keeps every process up and serving afterwards', async () => {
    for (const url of [...cluster.nodes.map((n) => n.url), cluster.gateway?.url]) {
      expect((await get(`${url}/healthz`)).status).toBe(200);
    }
    expect(cluster.nodes.every((n) => n.process.alive) && cluster.gateway?.process.alive).toBe(true);
    expect(await get(`${cluster.gateway?.url}/api/v1/groups/scores/keys/Tom`)).toEqual({
      status: 200,
      body: '630',
    });
  });
});
