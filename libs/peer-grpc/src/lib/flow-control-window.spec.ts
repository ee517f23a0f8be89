import { connect, createServer, type Http2Server, type Settings } from 'node:http2';
import type { AddressInfo } from 'node:net';

import type { Server } from '@grpc/grpc-js';

import { eventually } from '@ringcache/testing';

import { FakePeerHandler } from '../test/fake-peer-handler';
import { startTestNode } from '../test/test-node';
import { flowControlWindow, raiseServerWindows } from './flow-control-window';
import { GrpcPeerClient } from './grpc-peer-client';

const MIB = 2 ** 20;

describe('flowControlWindow', () => {
  it('is the largest message by default, within what HTTP/2 allows', () => {
    expect(flowControlWindow('X', undefined, 16 * MIB)).toBe(16 * MIB);
    expect(flowControlWindow('X', undefined, 1_000)).toBe(65_535);
    expect(flowControlWindow('X', undefined, 2 ** 40)).toBe(2 ** 31 - 1);
    expect(flowControlWindow('X', MIB, 16 * MIB)).toBe(MIB);
  });

  it.each([1_000, 65_534, 1.5 * MIB + 0.5, 2 ** 31, Number.NaN])('refuses %p', (bytes) => {
    expect(() => flowControlWindow('GrpcPeerClient', bytes, 16 * MIB)).toThrow(
      `GrpcPeerClient option flowControlWindowBytes must be an integer from 65535 to 2147483647, got ${bytes}`,
    );
  });
});

describe('the gRPC server’s receive window', () => {
  it('is offered to every connection, for the connection and for each stream', async () => {
    const node = await startTestNode(new FakePeerHandler(), { flowControlWindowBytes: 4 * MIB });
    const session = connect(`http://${node.grpcAddress}`);
    try {
      // Both come right after the connection's first SETTINGS: a second SETTINGS, and a WINDOW_UPDATE.
      await eventually('the stream window', () =>
        expect(session.remoteSettings.initialWindowSize).toBe(4 * MIB),
      );
      await eventually('the connection window', () => expect(session.state.remoteWindowSize).toBe(4 * MIB));
    } finally {
      session.close();
      await node.close();
    }
  });

  it('is the largest message, 16 MiB, by default', async () => {
    const node = await startTestNode(new FakePeerHandler());
    const session = connect(`http://${node.grpcAddress}`);
    try {
      await eventually('the stream window', () =>
        expect(session.remoteSettings.initialWindowSize).toBe(16 * MIB),
      );
    } finally {
      session.close();
      await node.close();
    }
  });

  it('is left alone on a server that does not keep its HTTP/2 servers where expected (another grpc-js)', () => {
    expect(raiseServerWindows({} as Server, MIB)).toBe(false);
    expect(raiseServerWindows({ http2Servers: new Map() } as unknown as Server, MIB)).toBe(false);
    // One usable server beside one that is not: neither is touched.
    const usable = createServer();
    const odd = {};
    const servers = new Map<object, unknown>([
      [usable, {}],
      [odd, {}],
    ]);
    expect(raiseServerWindows({ http2Servers: servers } as unknown as Server, MIB)).toBe(false);
    expect(usable.listenerCount('session')).toBe(0);
  });
});

describe('the gRPC client’s receive window', () => {
  let server: Http2Server;
  let offered: Promise<{ settings: Settings; window: () => number }>;

  beforeEach(async () => {
    server = createServer();
    offered = new Promise((resolve) =>
      server.once('session', (session) =>
        session.once('remoteSettings', (settings) =>
          resolve({ settings, window: () => session.state.remoteWindowSize ?? 0 }),
        ),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['the largest message, by default', {}, 16 * MIB],
    ['flowControlWindowBytes when given', { flowControlWindowBytes: 2 * MIB }, 2 * MIB],
  ])('is %s', async (_, options, bytes) => {
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new GrpcPeerClient({ name: 'raw', address, ...options });
    // A plain HTTP/2 server never answers: the call only makes the client connect.
    const call = client
      .get({ group: 'g', key: 'k', ringVersion: '', hops: 0 }, { deadlineMs: 300 })
      .catch(() => undefined);
    try {
      const { settings, window } = await offered;
      expect(settings.initialWindowSize).toBe(bytes);
      await eventually('the connection window', () => expect(window()).toBe(bytes));
    } finally {
      await call;
      await client.close();
    }
  });
});
