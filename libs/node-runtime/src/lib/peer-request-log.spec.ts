import pino from 'pino';

import { LoadError, type PeerHandler } from '@ringcache/cache-core';

import { logPeerRequests } from './peer-request-log';

describe('logPeerRequests', () => {
  function setup() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const handler = {
      get: async ({ key }: { key: string }) => {
        if (key === 'broken') throw new LoadError('scores', key, { cause: new Error('down') });
        return { found: key === 'Tom', value: Buffer.from('630'), expireAtMs: 0 };
      },
      getMany: async ({ keys }: { keys: string[] }) => ({
        results: keys.map(() => ({ found: false, value: Buffer.alloc(0), expireAtMs: 0 })),
      }),
      set: async () => ({ expireAtMs: 5 }),
      delete: async () => ({ deleted: true }),
      flush: async ({ generation }: { generation: number }) => ({ generation }),
      expire: async () => ({ removed: 1, scheduled: 0 }),
      subscribe: () => () => undefined,
      groupStats: async () => ({ groups: [] }),
      hotKeys: async () => ({ keys: [{ key: 'Tom', count: 3, rate: 0.05, error: 0 }] }),
    } as unknown as PeerHandler;
    return { lines, logged: logPeerRequests(handler, logger) };
  }

  it('logs each request under its id, with what it asked and how it ended, and answers as the handler does', async () => {
    const { lines, logged } = setup();
    const answer = await logged.get({
      group: 'scores',
      key: 'Tom',
      hops: 1,
      ringVersion: 'v',
      requestId: 'r-1',
    });
    expect(answer.found).toBe(true);
    await logged.getMany({ group: 'scores', keys: ['a', 'b'], hops: 0, ringVersion: '', requestId: 'r-2' });
    await logged.delete({
      group: 'scores',
      key: 'k',
      hops: 1,
      ringVersion: '',
      localOnly: true,
      requestId: 'r-3',
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 20,
        msg: 'peer request',
        reqId: 'r-1',
        operation: 'Get',
        group: 'scores',
        key: 'Tom',
        hops: 1,
        found: true,
        ms: expect.any(Number),
      }),
      expect.objectContaining({ reqId: 'r-2', operation: 'GetMany', keys: 2, hops: 0 }),
      expect.objectContaining({
        reqId: 'r-3',
        operation: 'Delete',
        key: 'k',
        localOnly: true,
        deleted: true,
      }),
    ]);
    expect(typeof logged.subscribe).toBe('function');
    // The gateway's stats calls reach the handler too, whatever the log level.
    expect(await logged.groupStats?.()).toEqual({ groups: [] });
    expect((await logged.hotKeys?.({ group: 'scores', limit: 1 }))?.keys[0]?.key).toBe('Tom');
  });

  it('logs a failed request with its error code, and passes the error on', async () => {
    const { lines, logged } = setup();
    await expect(
      logged.get({ group: 'scores', key: 'broken', hops: 0, ringVersion: '', requestId: 'r-9' }),
    ).rejects.toBeInstanceOf(LoadError);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'peer request failed',
        reqId: 'r-9',
        key: 'broken',
        error: 'load_failed',
      }),
    ]);
  });
});
