import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  PeerSet,
  PeerUnavailableError,
  UnavailableError,
  type GetRequest,
  type GetResponse,
  type Member,
  type PeerClient,
} from '@ringcache/cache-core';

import { GatewayRouter } from './gateway-router';

/** A node the test controls: answers from a map, or is down. */
class FakeNode implements PeerClient {
  down = false;
  calls: GetRequest[] = [];
  constructor(
    readonly name: string,
    private readonly rows: Record<string, string> = {},
  ) {}
  async get(request: GetRequest): Promise<GetResponse> {
    this.calls.push(request);
    if (this.down) throw new PeerUnavailableError(this.name, 'Get', 'connect ECONNREFUSED');
    if (request.key === 'broken')
      throw new LoadError(request.group, request.key, { cause: new Error('database down') });
    const value = this.rows[request.key];
    return value === undefined
      ? { found: false, value: Buffer.alloc(0), expireAtMs: 5 }
      : { found: true, value: Buffer.from(value), expireAtMs: 0 };
  }
  getMany = () => Promise.reject(new Error('unused'));
  set = () => Promise.reject(new Error('unused'));
  delete = () => Promise.reject(new Error('unused'));
  close = async () => undefined;
}

function setup() {
  const nodes = new Map(['a', 'b', 'c'].map((n) => [n, new FakeNode(n, { Tom: '630' })]));
  const peers = new PeerSet({ connect: (m: Member) => nodes.get(m.name) as FakeNode });
  peers.update(
    [...nodes.keys()].map((name) => ({ name, grpcAddress: `${name}:1`, httpAddress: `${name}:2` })),
  );
  const router = new GatewayRouter({ peers, deadlineMs: 1_000, maxKeyBytes: 16 });
  return { nodes, peers, router };
}

describe('GatewayRouter', () => {
  it("sends a key straight to its owner with no hop and the gateway's ring version", async () => {
    const { nodes, peers, router } = setup();
    const answer = await router.get('scores', 'Tom');
    expect(Buffer.from(answer.value).toString()).toBe('630');
    const owner = nodes.get(peers.owner('scores/Tom') as string) as FakeNode;
    expect(owner.calls).toEqual([{ group: 'scores', key: 'Tom', hops: 0, ringVersion: peers.ringVersion }]);
    expect(router.stats().upstream.ok).toBe(1);
  });

  it('passes not found through as an answer, not an error', async () => {
    const { router } = setup();
    expect(await router.get('scores', 'Nobody')).toMatchObject({ found: false, expireAtMs: 5 });
  });

  it('falls back to the next owner, marked as one hop, when the owner is down', async () => {
    const { nodes, peers, router } = setup();
    const [owner, next] = peers.route('scores/Tom') as FakeNode[];
    owner.down = true;
    expect((await router.get('scores', 'Tom')).found).toBe(true);
    expect(next.calls[0].hops).toBe(1);
    expect(router.stats()).toMatchObject({ fallbacks: 1, upstream: { ok: 1, unavailable: 1 } });
    expect([...nodes.values()].reduce((n, node) => n + node.calls.length, 0)).toBe(2);
  });

  it('answers unavailable when no owner answers', async () => {
    const { nodes, router } = setup();
    for (const node of nodes.values()) node.down = true;
    await expect(router.get('scores', 'Tom')).rejects.toBeInstanceOf(UnavailableError);
    expect(router.stats().unavailable).toBe(1);
  });

  it('does not fall back on an error the owner reports', async () => {
    const { router } = setup();
    await expect(router.get('scores', 'broken')).rejects.toMatchObject({ code: 'load_failed' });
    expect(router.stats()).toMatchObject({ fallbacks: 0, upstream: { error: 1 } });
  });

  it('rejects empty and long keys before calling anyone', async () => {
    const { nodes, router } = setup();
    await expect(router.get('scores', '')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.get('', 'Tom')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(router.get('scores', 'é'.repeat(9))).rejects.toBeInstanceOf(KeyTooLongError);
    expect([...nodes.values()].every((n) => n.calls.length === 0)).toBe(true);
  });

  it('answers unavailable while it knows no node', async () => {
    const router = new GatewayRouter({
      peers: new PeerSet({ connect: () => new FakeNode('x') }),
      deadlineMs: 1_000,
      maxKeyBytes: 16,
    });
    await expect(router.get('scores', 'Tom')).rejects.toThrow('no cache nodes are known');
  });
});
