import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  UnknownGroupError,
} from './errors';
import { Group } from './group';
import type { GroupOptions } from './group-options';
import { GroupRegistry } from './group-registry';
import { found, loaderFn, notFound, type LoadResult } from './loader';
import { PeerService } from './peer-service';
import { InProcessPeer } from '../testing/in-process-peer';
import type { PeerPicker, RouteStep } from './peer-set';

/** A loader over a map that counts its calls and can be slowed down or broken. */
function mapLoader(rows: Record<string, string>) {
  const state = { calls: 0, delayMs: 0, failWith: undefined as Error | undefined };
  const loader = loaderFn(async (key: string): Promise<LoadResult> => {
    state.calls++;
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    if (state.failWith) throw state.failWith;
    return key in rows ? found(rows[key]) : notFound;
  });
  return { loader, state };
}

function group(options: Partial<GroupOptions> & Pick<GroupOptions, 'loader'>): Group {
  return new Group({ name: 'scores', maxBytes: 1 << 20, ...options });
}

/** A picker with a fixed route for every key. */
function fixedRoute(...steps: RouteStep[]): PeerPicker {
  return {
    ringVersion: 'v1',
    route: () => steps,
    others: () => steps.filter((s): s is InProcessPeer => s !== 'self'),
  };
}

describe('Group', () => {
  it('loads a missing key once, then answers from its cache', async () => {
    const { loader, state } = mapLoader({ Tom: '630' });
    const g = group({ loader });
    const first = await g.get('Tom');
    expect(first).toMatchObject({ found: true, outcome: 'load', expireAtMs: 0 });
    expect(first.value.toString()).toBe('630');
    const second = await g.get('Tom');
    expect(second.outcome).toBe('hit');
    expect(state.calls).toBe(1);
    expect(g.stats().gets).toMatchObject({ load: 1, hit: 1 });
    expect(g.stats().loads).toEqual({ ok: 1, not_found: 0, error: 0 });
  });

  it('calls the loader once for 1,000 concurrent gets of a cold key', async () => {
    const { loader, state } = mapLoader({ Tom: '630' });
    state.delayMs = 20;
    const g = group({ loader });
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => g.get('Tom')));
    expect(state.calls).toBe(1);
    expect(answers.every((a) => a.found && a.value.toString() === '630')).toBe(true);
    expect(g.stats().coalesced).toBe(999);
  });

  it('caches not found for the negative TTL with jitter, distinct from an empty value', async () => {
    let now = 1_000_000;
    const { loader, state } = mapLoader({ empty: '' });
    const g = group({ loader, negativeTtlMs: 10_000, negativeJitter: 0.1, now: () => now, random: () => 1 });
    const missing = await g.get('nobody');
    expect(missing).toMatchObject({ found: false, outcome: 'not_found' });
    expect(missing.expireAtMs).toBe(now + 11_000); // random() = 1 → +10 %
    const empty = await g.get('empty');
    expect(empty.found).toBe(true);
    expect(empty.value.length).toBe(0);
    await g.get('nobody');
    expect(state.calls).toBe(2);
    now += 11_000;
    await g.get('nobody');
    expect(state.calls).toBe(3);
    expect(g.stats().loads).toEqual({ ok: 1, not_found: 2, error: 0 });
  });

  it('jitters the negative TTL within ±jitter', async () => {
    const now = 0;
    const ttls: number[] = [];
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const g = group({
        loader: mapLoader({}).loader,
        negativeTtlMs: 1_000,
        now: () => now,
        random: () => r,
      });
      ttls.push((await g.get('x')).expireAtMs - now);
    }
    expect(ttls[0]).toBe(900);
    expect(ttls[2]).toBe(1_000);
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(900);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(1_100);
  });

  it('expires loaded values after the group TTL or the loader TTL', async () => {
    let now = 0;
    const loader = loaderFn(async (key) => (key === 'short' ? found('s', 100) : found('d')));
    const g = group({ loader, ttlMs: 1_000, now: () => now });
    expect((await g.get('short')).expireAtMs).toBe(100);
    expect((await g.get('default')).expireAtMs).toBe(1_000);
    now = 100;
    expect((await g.get('short')).outcome).toBe('load');
    expect((await g.get('default')).outcome).toBe('hit');
  });

  it('never lets a caller or the loader change what the cache holds', async () => {
    const source = Buffer.from('630');
    const g = group({ loader: loaderFn(async () => ({ found: true, value: source })) });
    const first = await g.get('Tom');
    first.value[0] = 0x39;
    source[0] = 0x39;
    expect((await g.get('Tom')).value.toString()).toBe('630');
  });

  it('passes a loader failure to every waiter, caches nothing, and loads again next time', async () => {
    const { loader, state } = mapLoader({ Tom: '630' });
    state.delayMs = 10;
    state.failWith = new Error('connect ECONNREFUSED 127.0.0.1:3306');
    const g = group({ loader });
    const settled = await Promise.allSettled(Array.from({ length: 100 }, () => g.get('Tom')));
    expect(state.calls).toBe(1);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      const error = (s as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(LoadError);
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.recoverable).toBe(true);
    }
    state.failWith = undefined;
    expect((await g.get('Tom')).value.toString()).toBe('630');
    expect(state.calls).toBe(2);
    expect(g.stats().gets.error).toBe(100);
    expect(g.stats().loads.error).toBe(1);
  });

  it('fails a load that takes longer than the load timeout, and frees the key', async () => {
    const { loader, state } = mapLoader({ Tom: '630' });
    state.delayMs = 200;
    const g = group({ loader, loadTimeoutMs: 20 });
    await expect(g.get('Tom')).rejects.toBeInstanceOf(LoadTimeoutError);
    state.delayMs = 0;
    expect((await g.get('Tom')).found).toBe(true);
  });

  it('rejects a loader that returns something other than a LoadResult', async () => {
    const g = group({
      loader: loaderFn(async () => ({ found: true, value: 'text' }) as unknown as LoadResult),
    });
    await expect(g.get('k')).rejects.toThrow('loader returned a value that is not bytes');
  });

  it('validates keys', async () => {
    const g = group({ loader: mapLoader({}).loader, maxKeyBytes: 8 });
    await expect(g.get('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(g.get('ü'.repeat(5))).rejects.toBeInstanceOf(KeyTooLongError);
    await expect(g.get('12345678')).resolves.toMatchObject({ found: false });
  });

  it('rejects invalid options naming the option and the value', () => {
    const loader = mapLoader({}).loader;
    expect(() => new Group({ name: 'bad name', loader, maxBytes: 1 << 20 })).toThrow(/group name/);
    expect(() => new Group({ name: 'g', loader, maxBytes: 10 })).toThrow(
      'group g: maxBytes must be an integer >= 1024, got 10',
    );
    expect(() => new Group({ name: 'g', loader, maxBytes: 1 << 20, hotShare: 0.9 })).toThrow(
      'group g: hotShare must be in [0, 0.5], got 0.9',
    );
    expect(() => new Group({ name: 'g', loader, maxBytes: 1 << 20, ttlMs: -1 })).toThrow(/ttlMs/);
    expect(() => new Group({ name: 'g', loader: {} as never, maxBytes: 1 << 20 })).toThrow(/loader/);
  });

  it('stays within its byte budget', async () => {
    const loader = loaderFn(async () => found(Buffer.alloc(1_000)));
    const g = group({ loader, maxBytes: 100_000, hotShare: 0 });
    for (let i = 0; i < 500; i++) await g.get(`k${i}`);
    const { main } = g.stats();
    expect(main.bytes).toBeLessThanOrEqual(100_000);
    expect(main.evictions).toBeGreaterThan(0);
  });
});

describe('Group across peers', () => {
  /** Two nodes, A and B, each with its own group and loader; B owns every key. */
  function twoNodes() {
    const a = mapLoader({ Tom: '630' });
    const b = mapLoader({ Tom: '630' });
    const groupB = group({ loader: b.loader, peers: fixedRoute('self') });
    const registryB = new GroupRegistry();
    registryB.add(groupB);
    const serviceB = new PeerService(registryB, () => 'v1');
    const peerB = new InProcessPeer('B', () => serviceB);
    const groupA = group({ loader: a.loader, peers: fixedRoute(peerB, 'self'), hotThreshold: 2 });
    return { a, b, peerB, groupA, groupB, serviceB };
  }

  it('forwards a miss to the owner with one hop, and the owner loads it', async () => {
    const { a, b, peerB, groupA } = twoNodes();
    const answer = await groupA.get('Tom');
    expect(answer).toMatchObject({ found: true, outcome: 'peer' });
    expect(answer.value.toString()).toBe('630');
    expect(peerB.gets).toEqual([{ group: 'scores', key: 'Tom', ringVersion: 'v1', hops: 1 }]);
    expect(a.state.calls).toBe(0);
    expect(b.state.calls).toBe(1);
  });

  it('passes the request id on with a forward, so the owner serves it under the same id', async () => {
    const { peerB, groupA, serviceB } = twoNodes();
    const seen: (string | undefined)[] = [];
    const get = serviceB.get.bind(serviceB);
    serviceB.get = (request) => {
      seen.push(request.requestId);
      return get(request);
    };
    await groupA.get('Tom', { hops: 0, ringVersion: '', requestId: 'client-7' });
    expect(peerB.calls.map((c) => c.options?.requestId)).toEqual(['client-7']);
    expect(seen).toEqual(['client-7']);
  });

  it('coalesces concurrent forwards of one key into one peer call', async () => {
    const { b, peerB, groupA } = twoNodes();
    b.state.delayMs = 20;
    await Promise.all(Array.from({ length: 500 }, () => groupA.get('Tom')));
    expect(peerB.gets).toHaveLength(1);
    expect(b.state.calls).toBe(1);
  });

  it('keeps a hot copy of a key fetched from peers often, expiring with the original', async () => {
    let now = 0;
    const loader = loaderFn(async () => found('v', 1_000));
    const owner = group({ loader, peers: fixedRoute('self'), now: () => now });
    const registry = new GroupRegistry();
    registry.add(owner);
    const service = new PeerService(registry);
    const peer = new InProcessPeer('B', () => service);
    const g = group({
      loader: mapLoader({}).loader,
      peers: fixedRoute(peer, 'self'),
      hotThreshold: 2,
      now: () => now,
    });
    expect((await g.get('k')).outcome).toBe('peer');
    expect((await g.get('k')).outcome).toBe('peer');
    expect((await g.get('k')).outcome).toBe('hot');
    expect(peer.gets).toHaveLength(2);
    now = 1_000;
    expect((await g.get('k')).outcome).toBe('peer');
  });

  it('answers a request that already made a hop locally, never forwarding it again', async () => {
    const { a, peerB, groupA } = twoNodes();
    const answer = await groupA.get('Tom', { hops: 1, ringVersion: 'other' });
    expect(answer.outcome).toBe('load');
    expect(peerB.gets).toHaveLength(0);
    expect(a.state.calls).toBe(1);
  });

  it('falls back to the next owner, then loads locally as a last resort', async () => {
    const loaderC = mapLoader({ Tom: '630' });
    const groupC = group({ loader: loaderC.loader });
    const registryC = new GroupRegistry();
    registryC.add(groupC);
    const serviceC = new PeerService(registryC);
    const down = new InProcessPeer('B', () => {
      throw new Error('unreachable');
    });
    down.down = true;
    const peerC = new InProcessPeer('C', () => serviceC);
    const local = mapLoader({ Tom: '630' });
    const g = group({ loader: local.loader, peers: fixedRoute(down, peerC) });
    expect((await g.get('Tom')).outcome).toBe('peer');
    expect(peerC.gets[0].hops).toBe(1);
    expect(loaderC.state.calls).toBe(1);

    peerC.down = true;
    const last = await g.get('Jack');
    expect(last.outcome).toBe('not_found');
    expect(local.state.calls).toBe(1);
    expect(g.stats().peers).toMatchObject({ unavailable: 3, fallbacks: 2, lastResort: 1 });
  });

  it('loads locally when the route reaches this node after an unreachable owner', async () => {
    const down = new InProcessPeer('B', () => {
      throw new Error('unreachable');
    });
    down.down = true;
    const local = mapLoader({ Tom: '630' });
    const g = group({ loader: local.loader, peers: fixedRoute(down, 'self') });
    expect((await g.get('Tom')).outcome).toBe('load');
    expect(g.stats().peers).toMatchObject({ unavailable: 1, lastResort: 0 });
  });

  it('does not fall back when the owner reports its own failure: it would fail the same way here', async () => {
    const { b, groupA } = twoNodes();
    b.state.failWith = new Error('database down');
    await expect(groupA.get('Tom')).rejects.toMatchObject({ code: 'load_failed' });
    expect(groupA.stats().peers.fallbacks).toBe(0);
  });

  it('cannot deadlock when two nodes each think the other owns a key', async () => {
    const services: { a?: PeerService; b?: PeerService } = {};
    const toA = new InProcessPeer('A', () => services.a as PeerService);
    const toB = new InProcessPeer('B', () => services.b as PeerService);
    const loadA = mapLoader({ k: 'a' });
    const loadB = mapLoader({ k: 'b' });
    loadA.state.delayMs = 10;
    loadB.state.delayMs = 10;
    const groupA = group({ loader: loadA.loader, peers: fixedRoute(toB, 'self'), loadTimeoutMs: 5_000 });
    const groupB = group({ loader: loadB.loader, peers: fixedRoute(toA, 'self'), loadTimeoutMs: 5_000 });
    const registryA = new GroupRegistry();
    registryA.add(groupA);
    const registryB = new GroupRegistry();
    registryB.add(groupB);
    const serviceA = new PeerService(registryA);
    services.a = serviceA;
    services.b = new PeerService(registryB);
    const started = Date.now();
    const answers = await Promise.all([groupA.get('k'), groupB.get('k'), groupA.get('k'), groupB.get('k')]);
    // A deadlock would end only at the 5 s load timeout.
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(answers.every((a) => a.found)).toBe(true);
    expect([...toA.gets, ...toB.gets].every((c) => c.hops === 1)).toBe(true);
    expect(serviceA.stats().requestsByHops).toEqual({ 1: 1 });
  });
});

describe('PeerService', () => {
  function service() {
    const registry = new GroupRegistry();
    registry.add(group({ loader: mapLoader({ Tom: '630', Sam: '567' }).loader }));
    return new PeerService(registry, () => 'mine');
  }

  it('answers get and getMany in request order', async () => {
    const s = service();
    const one = await s.get({ group: 'scores', key: 'Tom', hops: 0, ringVersion: '' });
    expect(one.value.toString()).toBe('630');
    expect(one).not.toHaveProperty('outcome');
    const many = await s.getMany({
      group: 'scores',
      keys: ['Sam', 'nobody', 'Tom'],
      hops: 0,
      ringVersion: 'mine',
    });
    expect(many.results.map((r) => (r.found ? r.value.toString() : null))).toEqual(['567', null, '630']);
  });

  it('rejects bad requests with typed errors', async () => {
    const s = service();
    await expect(s.get({ group: 'nope', key: 'Tom', hops: 0, ringVersion: '' })).rejects.toBeInstanceOf(
      UnknownGroupError,
    );
    await expect(s.get({ group: '', key: 'Tom', hops: 0, ringVersion: '' })).rejects.toThrow(
      'group must be a non-empty string',
    );
    await expect(s.get({ group: 'scores', key: 'Tom', hops: -1, ringVersion: '' })).rejects.toThrow(
      /hops must be an integer/,
    );
    await expect(
      s.get({ group: 'scores', key: 'Tom', hops: 0, ringVersion: 'x'.repeat(65) }),
    ).rejects.toThrow(/ring version/);
    await expect(s.getMany({ group: 'scores', keys: [], hops: 0, ringVersion: '' })).rejects.toThrow(
      /non-empty list/,
    );
    await expect(
      s.getMany({
        group: 'scores',
        keys: Array.from({ length: 1_001 }, (_, i) => `k${i}`),
        hops: 0,
        ringVersion: '',
      }),
    ).rejects.toThrow('at most 1000 keys per request, got 1001');
    await expect(
      s.set({ group: 'scores', key: 'k', value: Buffer.alloc(1), ttlMs: 5, hops: 0, ringVersion: '' }),
    ).rejects.toThrow(/ttl must be between 1 s and 30 days/);
    await expect(s.flush({ group: 'scores', generation: -1 })).rejects.toThrow(/generation must be/);
    await expect(s.expire({ keys: 'nope' as never })).rejects.toThrow('keys must be a list');
  });

  it('counts requests by hops and ring version disagreements', async () => {
    const s = service();
    await s.get({ group: 'scores', key: 'Tom', hops: 0, ringVersion: '' });
    await s.get({ group: 'scores', key: 'Tom', hops: 1, ringVersion: 'theirs' });
    await s.get({ group: 'scores', key: 'Tom', hops: 1, ringVersion: 'mine' });
    expect(s.stats()).toEqual({ requestsByHops: { 0: 1, 1: 2 }, ringVersionMismatches: 1 });
  });
});
