import { InvalidArgumentError, PeerUnavailableError, RingcacheError } from '@ringcache/cache-core';
import { LOADER_OPTIONS, PROTO_PATH } from '@ringcache/proto';
import {
  eventually,
  freePort,
  sleep,
  startProcess,
  workspaceRoot,
  type ManagedProcess,
} from '@ringcache/testing';

import { FakePeerHandler } from '../test/fake-peer-handler';
import { startTestNode } from '../test/test-node';
import { GrpcPeerClient } from './grpc-peer-client';

const ctx = { ringVersion: '', hops: 0 };
/** The deadline of calls to a peer that never answers. */
const DEADLINE_MS = 300;
/**
 * How late past its deadline such a call may fail: the deadline is honoured if the call ends then, give or
 * take a loaded machine's scheduling (a whole second here), and not after a retry or a hang.
 */
const LATE_MS = 1_000;
/**
 * Bound of a failure that must not wait for its 5 s deadline (nothing listens, the connection dropped): well
 * under the deadline, with room for a loaded machine.
 */
const FAST_MS = 2_500;

/** The rejection of the promise `call` returns, and how long it took from before the call. */
async function timedFailure(call: () => Promise<unknown>): Promise<{ error: RingcacheError; ms: number }> {
  // The clock starts before the call does: a call's deadline is set as it starts, and a stall of the
  // machine between the two would make the call seem to fail early.
  const started = performance.now();
  const error = await call().then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RingcacheError);
  return { error: error as RingcacheError, ms: performance.now() - started };
}

/**
 * A peer in its own process (plain grpc-js serving Get from ringcache.proto) on `port` (0: a free one), so a
 * test can SIGKILL it. Key 'hang' is never answered; the peer prints `holding hang` when it gets one, so a
 * test knows the call reached it. Resolves once it prints its port (with stdout.write: under FORCE_COLOR,
 * console.log would colour the number).
 */
async function startPeerProcess(port = 0): Promise<{ process: ManagedProcess; address: string }> {
  const script = `
    const grpc = require('@grpc/grpc-js');
    const { loadSync } = require('@grpc/proto-loader');
    const [protoPath, options, port] = [process.argv[1], JSON.parse(process.argv[2]), process.argv[3]];
    const definition = loadSync(protoPath, { ...options, longs: Number, enums: String });
    const server = new grpc.Server();
    server.addService(definition['ringcache.v1.Cache'], {
      Get: (call, done) =>
        call.request.key === 'hang'
          ? process.stdout.write('holding hang\\n')
          : done(null, { found: true, value: Buffer.from('v'), expireAtMs: 0 }),
    });
    server.bindAsync('127.0.0.1:' + port, grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) throw error;
      process.stdout.write(port + '\\n');
    });`;
  // startProcess: never leave a child behind, it would hold the test runner's output pipe open.
  const peer = startProcess({
    name: 'peer',
    command: process.execPath,
    args: ['-e', script, PROTO_PATH, JSON.stringify(LOADER_OPTIONS), String(port)],
    cwd: workspaceRoot(),
  });
  const printed = () => /^(\d+)$/m.exec(peer.output())?.[1];
  try {
    await eventually('the peer process to print its port', () => !peer.alive || !!printed(), 10_000);
  } finally {
    if (!printed()) await peer.kill();
  }
  const bound = printed();
  if (!bound) throw new Error(`the peer process ended without printing its port: ${peer.output()}`);
  return { process: peer, address: `127.0.0.1:${bound}` };
}

describe('GrpcPeerClient when the peer fails', () => {
  it('rejects with PeerUnavailableError at about the deadline when the handler never answers', async () => {
    const handler = new FakePeerHandler();
    const node = await startTestNode(handler);
    const client = new GrpcPeerClient({ name: 'stuck', address: node.grpcAddress });
    try {
      const { error, ms } = await timedFailure(() =>
        client.get({ group: 'hang', key: 'k', ...ctx }, { deadlineMs: DEADLINE_MS }),
      );
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect(error).toMatchObject({
        code: 'peer_unavailable',
        recoverable: true,
        peer: 'stuck',
        operation: 'Get',
      });
      expect(error.message).toMatch(/^Get on peer stuck failed: DEADLINE_EXCEEDED/);
      expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
      expect(ms).toBeLessThan(DEADLINE_MS + LATE_MS);
    } finally {
      handler.release();
      await client.close();
      await node.close();
    }
  });

  it('applies the same deadline to Flush and Expire', async () => {
    const handler = new FakePeerHandler();
    const node = await startTestNode(handler);
    const client = new GrpcPeerClient({ name: 'stuck', address: node.grpcAddress });
    try {
      const calls = [
        ['Flush', () => client.flush({ group: 'hang', generation: 1 }, { deadlineMs: DEADLINE_MS })],
        [
          'Expire',
          () =>
            client.expire(
              { keys: [{ group: 'hang', key: 'k', expireAtMs: 1 }] },
              { deadlineMs: DEADLINE_MS },
            ),
        ],
      ] as const;
      for (const [operation, start] of calls) {
        const { error, ms } = await timedFailure(start);
        expect(error).toBeInstanceOf(PeerUnavailableError);
        expect(error).toMatchObject({ recoverable: true, peer: 'stuck', operation });
        expect(error.message).toMatch(new RegExp(`^${operation} on peer stuck failed: DEADLINE_EXCEEDED`));
        expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
        expect(ms).toBeLessThan(DEADLINE_MS + LATE_MS);
      }
    } finally {
      handler.release();
      await client.close();
      await node.close();
    }
  });

  it('rejects with PeerUnavailableError long before the deadline when nothing listens', async () => {
    // A free port: bound, then released, so nothing listens on it.
    const client = new GrpcPeerClient({ name: 'down', address: `127.0.0.1:${await freePort()}` });
    try {
      const { error, ms } = await timedFailure(() =>
        client.get({ group: 'scores', key: 'k', ...ctx }, { deadlineMs: 5_000 }),
      );
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect(error.message).toMatch(/^Get on peer down failed: UNAVAILABLE/);
      expect(ms).toBeLessThan(FAST_MS);
      // Still fast while the channel backs off between reconnection attempts.
      const again = await timedFailure(() =>
        client.get({ group: 'scores', key: 'k', ...ctx }, { deadlineMs: 5_000 }),
      );
      expect(again.error).toBeInstanceOf(PeerUnavailableError);
      expect(again.ms).toBeLessThan(FAST_MS);
      const flush = await timedFailure(() =>
        client.flush({ group: 'scores', generation: 1 }, { deadlineMs: 5_000 }),
      );
      expect(flush.error).toBeInstanceOf(PeerUnavailableError);
      expect(flush.error.message).toMatch(/^Flush on peer down failed: UNAVAILABLE/);
      const expire = await timedFailure(() => client.expire({ keys: [] }, { deadlineMs: 5_000 }));
      expect(expire.error).toBeInstanceOf(PeerUnavailableError);
      expect(expire.error.message).toMatch(/^Expire on peer down failed: UNAVAILABLE/);
    } finally {
      await client.close();
    }
  });

  it('rejects fast after the peer process is killed with SIGKILL, and reconnects when a peer is back', async () => {
    const peer = await startPeerProcess();
    const client = new GrpcPeerClient({ name: 'victim', address: peer.address });
    let restarted: ManagedProcess | undefined;
    const get = (key = 'k') => client.get({ group: 'g', key, ...ctx }, { deadlineMs: 5_000 });
    try {
      await expect(get()).resolves.toMatchObject({ found: true });
      const inFlight = timedFailure(() => get('hang'));
      await eventually('the peer holding the call', () => peer.process.printed(/^holding hang$/m), 5_000);
      peer.process.signal('SIGKILL');
      // The call in flight when the peer died fails when the connection drops, long before its deadline.
      const dropped = await inFlight;
      expect(dropped.error).toBeInstanceOf(PeerUnavailableError);
      expect(dropped.ms).toBeLessThan(FAST_MS);
      await peer.process.exited;
      const { error, ms } = await timedFailure(() => get());
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect(ms).toBeLessThan(FAST_MS);

      // The same client reaches a new process on the same port once its reconnection backoff (max 2 s) ends.
      restarted = (await startPeerProcess(Number(peer.address.split(':')[1]))).process;
      const started = performance.now();
      let answer: unknown;
      while (answer === undefined && performance.now() - started < 5_000) {
        answer = await get().catch(() => sleep(50));
      }
      expect(answer).toMatchObject({ found: true });
    } finally {
      await peer.process.kill();
      await restarted?.kill();
      await client.close();
    }
  }, 20_000); // two process starts and a reconnection backoff

  it('fails calls after close without touching the network', async () => {
    const client = new GrpcPeerClient({ name: 'closed', address: '127.0.0.1:9' });
    await client.close();
    await client.close();
    const { error } = await timedFailure(() =>
      client.get({ group: 'g', key: 'k', ...ctx }, { deadlineMs: 1_000 }),
    );
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect(error.message).toBe('Get on peer closed failed: the client is closed');
    const flush = await timedFailure(() =>
      client.flush({ group: 'g', generation: 1 }, { deadlineMs: 1_000 }),
    );
    expect(flush.error.message).toBe('Flush on peer closed failed: the client is closed');
    const expire = await timedFailure(() => client.expire({ keys: [] }, { deadlineMs: 1_000 }));
    expect(expire.error.message).toBe('Expire on peer closed failed: the client is closed');
  });

  it('rejects a call without a usable deadline', async () => {
    const client = new GrpcPeerClient({ name: 'p', address: '127.0.0.1:9' });
    try {
      for (const deadlineMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        for (const start of [
          () => client.get({ group: 'g', key: 'k', ...ctx }, { deadlineMs }),
          () => client.flush({ group: 'g', generation: 1 }, { deadlineMs }),
          () => client.expire({ keys: [] }, { deadlineMs }),
        ]) {
          const { error } = await timedFailure(start);
          expect(error).toBeInstanceOf(InvalidArgumentError);
        }
      }
    } finally {
      await client.close();
    }
  });
});

describe('GrpcPeerClient options', () => {
  it.each([
    [
      { name: '', address: '127.0.0.1:8001' },
      'GrpcPeerClient option name must be a non-empty string, got ""',
    ],
    [{ name: 'a', address: '127.0.0.1' }, 'GrpcPeerClient option address must be host:port, got "127.0.0.1"'],
    [{ name: 'a', address: 'host:0' }, 'GrpcPeerClient option address must be host:port, got "host:0"'],
    [
      { name: 'a', address: 'host:70000' },
      'GrpcPeerClient option address must be host:port, got "host:70000"',
    ],
    [
      { name: 'a', address: 'host:1', keepaliveTimeMs: 0 },
      'GrpcPeerClient option keepaliveTimeMs must be a positive integer, got 0',
    ],
    [
      { name: 'a', address: 'host:1', maxMessageBytes: 1.5 },
      'GrpcPeerClient option maxMessageBytes must be a positive integer, got 1.5',
    ],
  ])('rejects %j at construction', (options, message) => {
    expect(() => new GrpcPeerClient(options)).toThrow(message);
  });

  it('accepts names, IPv4 and bracketed IPv6 addresses', async () => {
    for (const address of ['node-a.cluster.local:8001', '10.0.0.7:8001', '[::1]:8001']) {
      const client = new GrpcPeerClient({ name: 'a', address });
      expect(client.address).toBe(address);
      await client.close();
    }
  });
});
