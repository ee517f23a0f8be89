import { PeerUnavailableError, type ExpireRequest, type PeerClient } from '@ringcache/cache-core';

import { expireEverywhere } from './expire-everywhere';

function peer(name: string, behaviour: 'ok' | 'fail', seen: string[] = []): PeerClient {
  const unused = () => Promise.reject(new Error('unused'));
  return {
    name,
    get: unused,
    getMany: unused,
    set: unused,
    delete: unused,
    setMany: unused,
    deleteMany: unused,
    flush: unused,
    async expire(request: ExpireRequest, options) {
      seen.push(`${name}:${request.keys.length}:${options.deadlineMs}`);
      if (behaviour === 'fail') throw new PeerUnavailableError(name, 'Expire', 'connection refused');
      return { removed: request.keys.length, scheduled: 0 };
    },
    close: async () => undefined,
  };
}

describe('expireEverywhere', () => {
  const keys = [{ group: 'g', key: 'k', expireAtMs: 1 }];

  it('asks every node, each with the deadline', async () => {
    const seen: string[] = [];
    const outcome = await expireEverywhere([peer('a', 'ok', seen), peer('b', 'ok', seen)], keys, 750);
    expect(outcome).toEqual({ result: 'ok', asked: 2, failures: [] });
    expect(seen.sort()).toEqual(['a:1:750', 'b:1:750']);
  });

  it('reports nodes that do not answer, without throwing', async () => {
    const partial = await expireEverywhere([peer('a', 'ok'), peer('b', 'fail')], keys, 100);
    expect(partial.result).toBe('partial');
    expect(partial.failures.map((f) => f.peer)).toEqual(['b']);
    expect((await expireEverywhere([peer('b', 'fail')], keys, 100)).result).toBe('failed');
    expect((await expireEverywhere([], keys, 100)).result).toBe('no_nodes');
  });
});
