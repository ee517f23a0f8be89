import { loadPackageDefinition, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';

import type { InFlightLimiter } from '@ringcache/cache-core';
import { loadRingcacheProto, type ProtoGrpcType } from '@ringcache/proto';

import { cacheServiceHandlers } from '../lib/cache-service';
import { GrpcPeerClient } from '../lib/grpc-peer-client';
import type { FakePeerHandler } from './fake-peer-handler';

/** The ring version and hop count the Calls stream specs send with each keyed request. */
export const ctx = { ringVersion: '', hops: 0 };
/** Call options of the Calls stream specs: a deadline no healthy answer comes near. */
export const call = { deadlineMs: 5_000 };
/** A logger for cacheServiceHandlers that drops what it is told. */
export const quiet = { error: () => undefined, warn: () => undefined };

/** A plain grpc-js server of the Cache service with `handlers`, on `port` (0: a free one). */
export async function serve(
  handlers: UntypedServiceImplementation,
  port = 0,
): Promise<{ server: Server; port: number }> {
  const proto = loadPackageDefinition(loadRingcacheProto()) as unknown as ProtoGrpcType;
  const server = new Server();
  server.addService(proto.ringcache.v1.Cache.service, handlers);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, port: bound };
}

/** The node's handlers, except that the unary data methods fail: a call that succeeds went over Calls. */
export function streamOnly(
  handler: FakePeerHandler,
  inFlight?: InFlightLimiter,
): UntypedServiceImplementation {
  const refused = (name: string) => (_call: unknown, done: (error: object) => void) =>
    done({ code: status.FAILED_PRECONDITION, details: `unary ${name} used` });
  const unaryData = ['Get', 'GetMany', 'Set', 'SetMany', 'Delete', 'DeleteMany'];
  return {
    ...cacheServiceHandlers(handler, quiet, inFlight),
    ...Object.fromEntries(unaryData.map((name) => [name, refused(name)])),
  };
}

/** What {@link useStreamPeers} hands to a describe block. */
export interface StreamPeers {
  /** Run after each test, last pushed first: what a test started and must stop. */
  cleanups: (() => Promise<void> | void)[];
  /** A client of the server on `port`, closed after the test. */
  client: (port: number, name?: string) => GrpcPeerClient;
  /** A server of `handler` (by default serving data calls over Calls only), shut down after the test. */
  node: (
    handler: FakePeerHandler,
    handlers?: UntypedServiceImplementation,
  ) => Promise<{ server: Server; port: number }>;
}

/** Registers the afterEach hook that stops, after each test, the clients and servers the test started. */
export function useStreamPeers(): StreamPeers {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function client(port: number, name = 'node1'): GrpcPeerClient {
    const c = new GrpcPeerClient({ name, address: `127.0.0.1:${port}` });
    cleanups.push(() => c.close());
    return c;
  }

  async function node(handler: FakePeerHandler, handlers = streamOnly(handler)) {
    const { server, port } = await serve(handlers);
    cleanups.push(() => server.forceShutdown());
    return { server, port };
  }

  return { cleanups, client, node };
}
