import { testDatabase as database } from '../testing/test-database';
import { Group } from './group';
import type { PeerPicker, RouteStep } from './peer-set';
import type { GetRequest, GetResponse, PeerClient } from './protocol';

const ctx = { hops: 0, ringVersion: '' };
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

/** The keys that fill more than two of dropForeign's slices (10,000 keys each). */
const MANY = 25_000;

/**
 * A group whose ring the spec moves by hand: each key is this node's until `owners` gives it to `other`,
 * a peer answering every get with `from the new owner`.
 */
function movingRing(rows: Record<string, string> = {}) {
  const { db, loader } = database(rows);
  const owners = new Map<string, 'self' | 'other'>();
  const asked: string[] = [];
  const other = {
    get: async (request: GetRequest): Promise<GetResponse> => {
      asked.push(request.key);
      return { found: true, value: Buffer.from('from the new owner'), expireAtMs: 0 };
    },
  } as unknown as PeerClient;
  const step = (key: string): RouteStep => (owners.get(key) === 'other' ? other : 'self');
  const peers: PeerPicker = {
    ringVersion: 'v1',
    route: (ringKey, attempts = 2) => [step(ringKey.slice('g/'.length))].slice(0, attempts),
    others: () => [],
  };
  const g = new Group({ name: 'g', loader, maxBytes: 64 << 20, peers });
  return { g, db, owners, asked };
}

/** Stores `n` keys `k0`… at the group, 1,000 per batch. */
async function fill(g: Group, n: number): Promise<string[]> {
  const keys = Array.from({ length: n }, (_, i) => `k${i}`);
  for (let i = 0; i < n; i += 1_000) {
    await g.setMany(
      keys.slice(i, i + 1_000).map((key) => ({ key, value: Buffer.from('old'), ttlMs: 0 })),
      ctx,
    );
  }
  return keys;
}

describe('Group after a ring change', () => {
  it('drops the entries of keys that moved to another owner after a ring change, and keeps its own', async () => {
    const { g, db, owners } = movingRing({ a: '1', b: '2' });
    await g.get('a');
    await g.get('b');
    await expect(g.dropForeign()).resolves.toBe(0);
    owners.set('a', 'other');
    await expect(g.dropForeign()).resolves.toBe(1);
    // Were it to own `a` again (or answer for its unreachable owner), it loads it anew.
    owners.set('a', 'self');
    expect((await g.get('a')).outcome).toBe('load');
    expect((await g.get('b')).outcome).not.toBe('load');
    expect(db.loads).toBe(3);
  });

  it('walks a large cache over several turns, so the node answers meanwhile, and drops every moved key', async () => {
    const { g, owners } = movingRing();
    const keys = await fill(g, MANY);
    keys.forEach((key, i) => i % 2 === 0 && owners.set(key, 'other'));
    let turnsDuring = 0;
    let walking = true;
    const count = () => {
      if (!walking) return;
      turnsDuring++;
      setImmediate(count);
    };
    setImmediate(count);
    const dropped = await g.dropForeign();
    walking = false;
    expect(turnsDuring).toBeGreaterThanOrEqual(2);
    expect(dropped).toBe(owners.size);
    expect(g.stats().main.items).toBe(MANY - owners.size);
  });

  it('while the walk is under way, a moved key is asked of its new owner, not served from the old copy', async () => {
    const { g, owners, asked } = movingRing();
    const keys = await fill(g, MANY);
    const last = keys[MANY - 1];
    for (const key of keys) owners.set(key, 'other');
    const walk = g.dropForeign();
    // The walk has done its first slice only: `last` is still held here.
    const answer = await g.get(last);
    expect(answer).toMatchObject({ found: true, outcome: 'peer' });
    expect(text(answer.value)).toBe('from the new owner');
    expect(asked).toEqual([last]);
    await expect(walk).resolves.toBe(MANY - 1);
    expect(g.stats().main.items).toBe(0);
  });

  it('a newer ring change ends the walk under way and walks again from the start', async () => {
    const { g, owners } = movingRing();
    const keys = await fill(g, MANY);
    for (const key of keys) owners.set(key, 'other');
    const first = g.dropForeign();
    const second = g.dropForeign();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBeLessThan(MANY);
    expect(a + b).toBe(MANY);
    expect(g.stats().main.items).toBe(0);
  });

  it('drops every entry for a node back from a lapse, keeping its generation, and fences loads in flight', async () => {
    const { db, loader } = database({ a: '1', b: '2' });
    const invalidations: unknown[] = [];
    const g = new Group({ name: 'g', loader, maxBytes: 1 << 20, onInvalidate: (i) => invalidations.push(i) });
    g.flush(4);
    await g.get('a');
    await g.set('s', Buffer.from('set while on the ring'), 0, ctx);
    db.delayMs = 20;
    const inFlight = g.get('b');
    invalidations.length = 0;
    g.dropAll();
    db.rows['b'] = '3';
    await inFlight;
    db.delayMs = 0;
    expect((await g.get('a')).outcome).toBe('load');
    expect((await g.get('s')).found).toBe(false);
    expect(text((await g.get('b')).value)).toBe('3');
    // Not a flush: the cluster's generation stays, so the next real flush still applies here.
    expect(g.stats()).toMatchObject({ generation: 4, writes: { flushes: 1 } });
    expect(invalidations).toEqual([]);
    expect(g.flush(5)).toBe(5);
  });
});
