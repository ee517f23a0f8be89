import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  PeerUnavailableError,
  UnimplementedError,
  UnknownGroupError,
} from '@ringcache/cache-core';

import { FAKE_KEYS, FakePeerHandler } from '../testing/fake-peer-handler';
import { call, ctx, useNestPeer, type PeerForm } from '../testing/http-peer-client.fixtures';
import type { PeerApp } from '../testing/start-peer-app';
import type { HttpPeerClient } from './http-peer-client';

describe.each<PeerForm>(['http', 'frames'])(
  'HttpPeerClient against a Nest peer on Fastify, as %s',
  (form) => {
    let handler: FakePeerHandler;
    let client: HttpPeerClient;
    useNestPeer((nestPeer) => ({ handler, client } = nestPeer), form);

    describe('errors the peer answers', () => {
      it('rejects an unknown group with UnknownGroupError, while a missing key resolves', async () => {
        const error = await client.get({ group: 'nope', key: 'Tom', ...ctx }, call).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnknownGroupError);
        expect(error).toMatchObject({
          code: 'unknown_group',
          message: 'unknown group "nope"',
          recoverable: false,
        });
        await expect(client.get({ group: 'scores', key: 'nope', ...ctx }, call)).resolves.toMatchObject({
          found: false,
        });
      });

      it('rejects a key that is too long with KeyTooLongError and the peer message', async () => {
        const error = await client
          .get({ group: 'scores', key: 'k'.repeat(300), ...ctx }, call)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KeyTooLongError);
        expect(error).toMatchObject({
          code: 'key_too_long',
          message: 'key is 300 bytes, over the limit of 256',
        });
      });

      it('rejects a failed load with a recoverable LoadError', async () => {
        const error = await client
          .get({ group: 'scores', key: FAKE_KEYS.loadFails, ...ctx }, call)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LoadError);
        expect(error).toMatchObject({ code: 'load_failed', recoverable: true });
        expect((error as Error).message).toBe('loading scores/load-fails failed: database is down');
      });

      it("rejects the peer's own peer_unavailable as PeerUnavailableError", async () => {
        const error = await client
          .get({ group: 'scores', key: FAKE_KEYS.peerDown, ...ctx }, call)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PeerUnavailableError);
        expect(error).toMatchObject({ peer: 'node-b', operation: 'Get', recoverable: true });
      });

      it('rejects an invalid batch with InvalidArgumentError and a bug with internal', async () => {
        const empty = client.getMany({ group: 'scores', keys: [], ...ctx }, call);
        await expect(empty).rejects.toThrow(new InvalidArgumentError('keys must be a non-empty list'));
        const bug = await client
          .get({ group: 'scores', key: FAKE_KEYS.bug, ...ctx }, call)
          .catch((e: unknown) => e);
        expect(bug).toMatchObject({ code: 'internal', message: 'internal error', recoverable: false });
      });

      it('rejects a flush or expire naming an unknown group with UnknownGroupError', async () => {
        const flush = await client.flush({ group: 'nope', generation: 1 }, call).catch((e: unknown) => e);
        expect(flush).toBeInstanceOf(UnknownGroupError);
        expect(flush).toMatchObject({ code: 'unknown_group', message: 'unknown group "nope"' });
        const keys = [
          { group: 'scores', key: 'k', expireAtMs: 1 },
          { group: 'nope', key: 'k', expireAtMs: 1 },
        ];
        const expire = await client.expire({ keys }, call).catch((e: unknown) => e);
        expect(expire).toBeInstanceOf(UnknownGroupError);
        expect(expire).toMatchObject({ code: 'unknown_group', message: 'unknown group "nope"' });
      });

      it('rejects a flush or expire the peer cannot decode with InvalidArgumentError', async () => {
        await expect(client.flush({ group: 'scores', generation: -1 }, call)).rejects.toThrow(
          new InvalidArgumentError(
            'body must be {"generation":<integer>} with a non-negative integer, got -1',
          ),
        );
        await expect(client.flush({ group: 'scores', generation: 0.5 }, call)).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        await expect(
          client.expire({ keys: [{ group: 'scores', key: 'k', expireAtMs: Number.NaN }] }, call),
        ).rejects.toThrow(
          new InvalidArgumentError(
            'keys[0] must be {"group":<string>,"key":<string>,"expireAtMs":<non-negative integer>}',
          ),
        );
        const tooMany = Array.from({ length: 10_001 }, (_, i) => ({
          group: 'scores',
          key: `${i}`,
          expireAtMs: 1,
        }));
        await expect(client.expire({ keys: tooMany }, call)).rejects.toThrow(
          new InvalidArgumentError('at most 10000 keys per expire call, got 10001'),
        );
      });

      it('rejects an operation the peer does not serve with UnimplementedError', async () => {
        handler.delete = () => Promise.reject(new UnimplementedError('Delete'));
        try {
          const error = await client
            .delete({ group: 'scores', key: 'k', ...ctx }, call)
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(UnimplementedError);
          expect(error).toMatchObject({
            code: 'unimplemented',
            message: 'Delete is not served by this node',
          });
        } finally {
          handler.delete = FakePeerHandler.prototype.delete;
        }
        handler.flush = () => Promise.reject(new UnimplementedError('Flush'));
        try {
          await expect(client.flush({ group: 'scores', generation: 1 }, call)).rejects.toThrow(
            new UnimplementedError('Flush'),
          );
        } finally {
          handler.flush = FakePeerHandler.prototype.flush;
        }
      });
    });
  },
);

// How HTTP requests use connections; frame-channel.spec.ts has the framed connection's.
describe('HttpPeerClient against a Nest peer on Fastify, as http', () => {
  let handler: FakePeerHandler;
  let peer: PeerApp;
  let client: HttpPeerClient;
  useNestPeer((nestPeer) => ({ handler, peer, client } = nestPeer));

  describe('connections and deadlines', () => {
    it('rejects PeerUnavailableError at about the deadline when the peer never answers', async () => {
      const started = performance.now();
      const error = await client
        .get({ group: 'scores', key: FAKE_KEYS.hang, ...ctx }, { deadlineMs: 200 })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect((error as Error).message).toBe('Get on peer node-b failed: no answer within 200 ms');
      expect(elapsed).toBeGreaterThanOrEqual(195);
      expect(elapsed).toBeLessThan(1_200);
      // The connection of the abandoned call is gone; the next call gets a fresh one and an answer.
      await expect(client.get({ group: 'scores', key: 'Tom', ...ctx }, call)).resolves.toMatchObject({
        found: true,
      });
    });

    it('reuses one keep-alive connection for 200 sequential calls', async () => {
      handler.put('scores', 'Tom', '630');
      const before = peer.connections();
      for (let i = 0; i < 200; i++) await client.get({ group: 'scores', key: 'Tom', ...ctx }, call);
      expect(peer.connections() - before).toBeLessThanOrEqual(2);
    });

    it('answers 1,000 concurrent gets', async () => {
      for (let i = 0; i < 100; i++) handler.put('scores', `c${i}`, `v${i}`);
      const before = peer.connections();
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          client.get({ group: 'scores', key: `c${i % 100}`, ...ctx }, { deadlineMs: 20_000 }),
        ),
      );
      responses.forEach((response, i) => expect(Buffer.from(response.value).toString()).toBe(`v${i % 100}`));
      // maxSockets (64) bounds the connections; the rest wait for one.
      expect(peer.connections() - before).toBeLessThanOrEqual(64);
    }, 30_000);

    it('rejects every call after close() with PeerUnavailableError', async () => {
      await client.close();
      await expect(client.get({ group: 'scores', key: 'Tom', ...ctx }, call)).rejects.toThrow(
        new PeerUnavailableError('node-b', 'Get', 'client is closed'),
      );
      await expect(client.flush({ group: 'scores', generation: 1 }, call)).rejects.toThrow(
        new PeerUnavailableError('node-b', 'Flush', 'client is closed'),
      );
      await expect(client.expire({ keys: [] }, call)).rejects.toThrow(
        new PeerUnavailableError('node-b', 'Expire', 'client is closed'),
      );
    });

    it('rejects bad call input before sending: deadline, a key with no UTF-8 form, a bad header', async () => {
      await expect(
        client.get({ group: 'scores', key: 'Tom', ...ctx }, { deadlineMs: 0 }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        client.flush({ group: 'scores', generation: 1 }, { deadlineMs: Number.NaN }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(client.expire({ keys: [] }, { deadlineMs: -1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      await expect(client.get({ group: 'scores', key: '\ud800', ...ctx }, call)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      const badVersion = { group: 'scores', key: 'Tom', ringVersion: 'v1\r\nx-evil: 1', hops: 0 };
      await expect(client.get(badVersion, call)).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
});
