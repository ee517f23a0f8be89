import { LoadTimeoutError } from './errors';
import { LoadBatcher } from './load-batcher';
import { found, notFound, type Loader, type LoadResult } from './loader';

/** A loader with loadMany over a map, recording each call's keys. */
function batchLoader(rows: Record<string, string>, delayMs = 0) {
  const calls: string[][] = [];
  const answer = (key: string): LoadResult => (key in rows ? found(rows[key]) : notFound);
  const loader: Loader = {
    load: async (key) => {
      calls.push([key]);
      return answer(key);
    },
    loadMany: async (keys) => {
      calls.push(keys);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return keys.map(answer);
    },
  };
  return { loader, calls };
}

const text = (result: LoadResult) => (result.found ? Buffer.from(result.value).toString() : undefined);

describe('LoadBatcher', () => {
  it('loads the keys asked for in one turn with one loadMany, each caller getting its key', async () => {
    const { loader, calls } = batchLoader({ a: '1', c: '3' });
    const sizes: number[] = [];
    const batcher = new LoadBatcher({ loader, group: 'g', timeoutMs: 1_000, onBatch: (n) => sizes.push(n) });
    const results = await Promise.all(['a', 'b', 'c'].map((key) => batcher.load(key)));
    expect(results.map(text)).toEqual(['1', undefined, '3']);
    expect(calls).toEqual([['a', 'b', 'c']]);
    expect(sizes).toEqual([3]);
  });

  it('loads a lone key with load, and every key alone when the loader has no loadMany', async () => {
    const { loader, calls } = batchLoader({ a: '1' });
    await new LoadBatcher({ loader, group: 'g', timeoutMs: 1_000 }).load('a');
    expect(calls).toEqual([['a']]);
    const single: string[] = [];
    const plain = new LoadBatcher({
      loader: { load: async (key) => (single.push(key), found(key)) },
      group: 'g',
      timeoutMs: 1_000,
    });
    expect((await Promise.all(['x', 'y'].map((k) => plain.load(k)))).map(text)).toEqual(['x', 'y']);
    expect(single).toEqual(['x', 'y']);
  });

  it('splits a turn larger than maxKeys into several calls', async () => {
    const { loader, calls } = batchLoader({});
    const batcher = new LoadBatcher({ loader, group: 'g', timeoutMs: 1_000, maxKeys: 2 });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => batcher.load(key)));
    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails every key of a batch with its own LoadTimeoutError when the loader is too slow', async () => {
    const { loader } = batchLoader({ a: '1' }, 200);
    const batcher = new LoadBatcher({ loader, group: 'g', timeoutMs: 20 });
    const settled = await Promise.allSettled(['a', 'b'].map((key) => batcher.load(key)));
    expect(settled.map((s) => (s as PromiseRejectedResult).reason)).toEqual([
      new LoadTimeoutError('g', 'a', 20),
      new LoadTimeoutError('g', 'b', 20),
    ]);
  });

  it('fails every key of a batch when loadMany throws or answers the wrong number of results', async () => {
    const failing = new LoadBatcher({
      loader: { load: async () => notFound, loadMany: async () => Promise.reject(new Error('db down')) },
      group: 'g',
      timeoutMs: 1_000,
    });
    const down = await Promise.allSettled(['a', 'b'].map((key) => failing.load(key)));
    expect(down.map((s) => (s as PromiseRejectedResult).reason.message)).toEqual(['db down', 'db down']);
    const short = new LoadBatcher({
      loader: { load: async () => notFound, loadMany: async () => [notFound] },
      group: 'g',
      timeoutMs: 1_000,
    });
    const wrong = await Promise.allSettled(['a', 'b'].map((key) => short.load(key)));
    expect(wrong.map((s) => (s as PromiseRejectedResult).reason.message)).toEqual([
      'loader.loadMany answered 1 results for 2 keys',
      'loader.loadMany answered 1 results for 2 keys',
    ]);
  });
});
