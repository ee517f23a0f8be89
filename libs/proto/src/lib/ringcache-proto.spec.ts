import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';

import type { MethodDefinition } from '@grpc/proto-loader';

import { CACHE_SERVICE_NAME, LOADER_OPTIONS, loadRingcacheProto, PROTO_PATH } from './ringcache-proto';

type Method = MethodDefinition<object, object, Record<string, unknown>, Record<string, unknown>>;

describe('ringcache.proto', () => {
  const definition = loadRingcacheProto();
  const service = definition[CACHE_SERVICE_NAME] as unknown as Record<string, Method>;
  /** Encodes like a client and decodes like a server, through the loaded definition. */
  const requestRoundTrip = (method: string, message: object) =>
    service[method].requestDeserialize(service[method].requestSerialize(message));
  const responseRoundTrip = (method: string, message: object) =>
    service[method].responseDeserialize(service[method].responseSerialize(message));

  it('is found at an absolute PROTO_PATH beside the library source', () => {
    expect(isAbsolute(PROTO_PATH)).toBe(true);
    expect(PROTO_PATH.endsWith('/libs/proto/src/ringcache.proto')).toBe(true);
    expect(existsSync(PROTO_PATH)).toBe(true);
  });

  it('defines the Cache service: ten unary methods and the Calls stream', () => {
    expect(Object.keys(service).sort()).toEqual([
      'Calls',
      'Delete',
      'DeleteMany',
      'Expire',
      'Flush',
      'Get',
      'GetMany',
      'HotKeys',
      'Set',
      'SetMany',
      'Stats',
    ]);
    expect(service['Get'].path).toBe('/ringcache.v1.Cache/Get');
    for (const [name, method] of Object.entries(service)) {
      const streaming = name === 'Calls';
      expect({ name, requestStream: method.requestStream, responseStream: method.responseStream }).toEqual({
        name,
        requestStream: streaming,
        responseStream: streaming,
      });
    }
  });

  it('decodes field names in camelCase, int64 as numbers and bytes as Buffers', () => {
    const set = requestRoundTrip('Set', {
      group: 'scores',
      key: 'Tom',
      ringVersion: 'abc',
      hops: 1,
      value: Buffer.from([0, 1, 0]),
      ttlMs: 1_700_000_000_123,
    });
    expect(set).toEqual({
      group: 'scores',
      key: 'Tom',
      ringVersion: 'abc',
      hops: 1,
      value: Buffer.from([0, 1, 0]),
      ttlMs: 1_700_000_000_123,
    });
    expect(Buffer.isBuffer(set['value'])).toBe(true);
  });

  it('decodes absent fields to zero values, so a missing key arrives as an empty string', () => {
    expect(requestRoundTrip('Get', {})).toEqual({ group: '', key: '', ringVersion: '', hops: 0 });
    expect(requestRoundTrip('GetMany', { group: 'g' })).toEqual({
      group: 'g',
      keys: [],
      ringVersion: '',
      hops: 0,
    });
  });

  it('keeps an empty found value distinct from not found', () => {
    const empty = responseRoundTrip('Get', { found: true, value: Buffer.alloc(0), expireAtMs: 0 });
    const missing = responseRoundTrip('Get', { found: false });
    const none = { stale: false, errorCode: '', errorMessage: '' };
    expect(empty).toEqual({ found: true, value: Buffer.alloc(0), expireAtMs: 0, ...none });
    expect(missing).toEqual({ found: false, value: Buffer.alloc(0), expireAtMs: 0, ...none });
  });

  it('keeps GetMany results in order', () => {
    const results = [1, 2, 3].map((n) => ({
      found: n !== 2,
      value: Buffer.from([n]),
      expireAtMs: n,
      stale: n === 3,
      errorCode: '',
      errorMessage: '',
    }));
    expect(responseRoundTrip('GetMany', { results })).toEqual({ results });
  });

  it('carries a per-key error of a GetMany beside the answered keys', () => {
    const results = [
      { found: true, value: Buffer.from('a'), expireAtMs: 1, stale: false, errorCode: '', errorMessage: '' },
      {
        found: false,
        value: Buffer.alloc(0),
        expireAtMs: 0,
        stale: false,
        errorCode: 'load_failed',
        errorMessage: 'loading scores/b failed: database is down',
      },
    ];
    expect(responseRoundTrip('GetMany', { results })).toEqual({ results });
  });

  it('carries the stats document as JSON text and hot keys with fractional counts', () => {
    const json = JSON.stringify({ groups: [{ name: 'scores', stats: { gets: { hit: 1 } } }] });
    expect(requestRoundTrip('Stats', {})).toEqual({});
    expect(responseRoundTrip('Stats', { json })).toEqual({ json });
    expect(requestRoundTrip('HotKeys', { group: 'scores' })).toEqual({ group: 'scores', limit: 0 });
    const keys = [{ key: 'Tom', count: 2.5, rate: 2.5 / 60, error: 0 }];
    expect(responseRoundTrip('HotKeys', { keys })).toEqual({ keys });
  });

  it('names the call a Calls message carries, and keeps an answer of zero values as that answer', () => {
    const call = requestRoundTrip('Calls', { id: 7, requestId: 'r1', delete: { group: 'g', key: 'k' } });
    expect(call).toMatchObject({ id: 7, requestId: 'r1', call: 'delete', delete: { group: 'g', key: 'k' } });
    expect(call['get']).toBeUndefined();
    // An empty DeleteResponse still says which call it answers: the member is set, not absent.
    const answer = responseRoundTrip('Calls', { id: 7, delete: { deleted: false } });
    expect(answer).toMatchObject({ id: 7, errorCode: '', answer: 'delete', delete: { deleted: false } });
    expect(requestRoundTrip('Calls', { id: 8 })['call']).toBeUndefined();
  });

  it('fixes the loader options every side shares', () => {
    expect(LOADER_OPTIONS).toEqual({
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    expect(Object.isFrozen(LOADER_OPTIONS)).toBe(true);
  });
});
