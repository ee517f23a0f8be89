import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import type { Client } from '@grpc/grpc-js';

/**
 * A client of ringcache.v1.Cache's `methods` that sends and receives raw bytes, to send what no
 * well-behaved encoder would.
 */
export function rawCacheClient(address: string, methods: string[]): Client {
  const identity = (bytes: Buffer) => bytes;
  const raw = (method: string) => ({
    path: `/ringcache.v1.Cache/${method}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  });
  const RawCache = makeGenericClientConstructor(
    Object.fromEntries(methods.map((method) => [method, raw(method)])),
    'RawCache',
  );
  return new RawCache(address, credentials.createInsecure());
}
