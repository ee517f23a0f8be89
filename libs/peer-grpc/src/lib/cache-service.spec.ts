import { Metadata, status, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';

import { InFlightLimiter, type PeerHandler } from '@ringcache/cache-core';

import { cacheServiceHandlers } from './cache-service';
import { RINGCACHE_CODE_METADATA } from './grpc-status';

type Callback = (error: Partial<ServiceError> | null, value?: object) => void;

describe('cacheServiceHandlers with an in-flight bound', () => {
  const logger = { error: jest.fn(), warn: jest.fn() };
  const call = (request: object) =>
    ({ request, metadata: new Metadata() }) as unknown as ServerUnaryCall<object, object>;
  const message = { group: 'scores', key: 'Tom', ringVersion: '', hops: 0 };

  it('answers RESOURCE_EXHAUSTED overloaded past the bound, at once, and admits again once a call ends', async () => {
    let finish: (value: { found: boolean; value: Uint8Array; expireAtMs: number }) => void = () => undefined;
    const get = jest.fn(() => new Promise<never>((resolve) => (finish = resolve as never)));
    const handler = { get } as unknown as PeerHandler;
    const limiter = new InFlightLimiter({ max: 1 });
    const service = cacheServiceHandlers(handler, logger, limiter);
    const Get = service['Get'] as unknown as (c: ServerUnaryCall<object, object>, cb: Callback) => void;

    const first = new Promise<[unknown, unknown]>((resolve) => Get(call(message), (e, v) => resolve([e, v])));
    const refused = new Promise<Partial<ServiceError> | null>((resolve) =>
      Get(call(message), (e) => resolve(e)),
    );
    const error = await refused;
    expect(error).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: 'overloaded: 1 requests in flight, try again shortly',
    });
    expect(error?.metadata?.get(RINGCACHE_CODE_METADATA)).toEqual(['overloaded']);
    expect(get).toHaveBeenCalledTimes(1);

    finish({ found: true, value: new Uint8Array([1]), expireAtMs: 0 });
    const [firstError] = await first;
    expect(firstError).toBeNull();
    expect(limiter.inFlight).toBe(0);
    Get(call(message), () => undefined);
    expect(get).toHaveBeenCalledTimes(2);
  });
});
