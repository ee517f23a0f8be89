import { Group } from './group';
import { found, notFound, type Loader } from './loader';

/** A loader with loadMany that records the keys of each call, and fails the keys in `broken`. */
function recordingLoader(rows: Record<string, string>, broken = new Set<string>()) {
  const calls: string[][] = [];
  const loader: Loader = {
    load: async (key) => {
      calls.push([key]);
      await new Promise((r) => setTimeout(r, 5));
      return key in rows ? found(rows[key]) : notFound;
    },
    loadMany: async (keys) => {
      calls.push(keys);
      await new Promise((r) => setTimeout(r, 5));
      if (keys.some((k) => broken.has(k))) throw new Error('database is down');
      return keys.map((key) => (key in rows ? found(rows[key]) : notFound));
    },
  };
  return { loader, calls };
}

const ctx = { hops: 0, ringVersion: '' };

describe('Group loads in batches', () => {
  it("loads a GetMany's misses with one loadMany and answers the rest from cache", async () => {
    const { loader, calls } = recordingLoader({ a: '1', b: '2', c: '3' });
    const group = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
    await group.get('a', ctx);
    calls.length = 0;
    const results = await group.getMany(['a', 'b', 'c', 'zz'], ctx);
    expect(results.map((r) => (r.found ? r.value.toString() : null))).toEqual(['1', '2', '3', null]);
    expect(calls).toEqual([['b', 'c', 'zz']]);
    expect(group.stats().loads).toEqual({ ok: 3, not_found: 1, error: 0 });
  });

  it('loads cold gets that arrive in the same turn together', async () => {
    const { loader, calls } = recordingLoader({ a: '1', b: '2' });
    const group = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
    await Promise.all([group.get('a', ctx), group.get('b', ctx)]);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('still asks for a key once when 1,000 callers want it at the same time', async () => {
    const { loader, calls } = recordingLoader({ hot: 'x' });
    const group = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
    await Promise.all(Array.from({ length: 1_000 }, () => group.get('hot', ctx)));
    expect(calls).toEqual([['hot']]);
  });

  it('answers a failed key of a GetMany with its error, and the other keys with their values', async () => {
    const { loader } = recordingLoader({ a: '1' });
    const group = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
    const results = await group.getMany(['a', '', 'a'], ctx);
    expect(results[0]).toMatchObject({ found: true });
    expect(results[1]).toMatchObject({
      found: false,
      outcome: 'error',
      error: { code: 'invalid_argument', message: 'key must be a non-empty string' },
    });
    expect(results[2]).toMatchObject({ found: true });
  });

  it('fails every key of a batch the loader could not load, caching none of them', async () => {
    const { loader } = recordingLoader({ a: '1', b: '2' }, new Set(['b']));
    const group = new Group({ name: 'g', loader, maxBytes: 1 << 20 });
    const results = await group.getMany(['a', 'b'], ctx);
    expect(results.map((r) => r.error?.code)).toEqual(['load_failed', 'load_failed']);
    expect(group.stats().main.items).toBe(0);
  });
});
