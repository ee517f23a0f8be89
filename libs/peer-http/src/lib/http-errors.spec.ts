import {
  InvalidArgumentError,
  KeyTooLongError,
  LoadError,
  LoadTimeoutError,
  PeerUnavailableError,
  RingcacheError,
  UnavailableError,
  UnimplementedError,
  UnknownGroupError,
  ValueTooLargeError,
  type ErrorCode,
} from '@ringcache/cache-core';

import { httpErrorOf, httpStatusOf } from './http-errors';

describe('httpStatusOf', () => {
  it.each<[ErrorCode, number]>([
    ['invalid_argument', 400],
    ['key_too_long', 414],
    ['value_too_large', 413],
    ['unknown_group', 404],
    ['peer_unavailable', 503],
    ['load_failed', 503],
    ['unavailable', 503],
    ['load_timeout', 504],
    ['unimplemented', 501],
    ['overloaded', 503],
    ['internal', 500],
  ])('maps %s to %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it('maps a code it does not know (a newer peer) to 500', () => {
    expect(httpStatusOf('brand_new' as ErrorCode)).toBe(500);
  });
});

describe('httpErrorOf', () => {
  it.each([
    new InvalidArgumentError('keys must be a list'),
    new KeyTooLongError(2000, 1024),
    new ValueTooLargeError(9, 8),
    new UnknownGroupError('nope'),
    new PeerUnavailableError('node-b', 'Get', 'connect ECONNREFUSED'),
    new LoadError('scores', 'Tom', { cause: new Error('db down') }),
    new LoadTimeoutError('scores', 'Tom', 2500),
    new UnavailableError('no owner answered'),
    new UnimplementedError('Set'),
    new RingcacheError('internal', 'broken invariant'),
  ])('keeps the code and message of $name', (error) => {
    expect(httpErrorOf(error)).toEqual({
      status: httpStatusOf(error.code),
      body: { code: error.code, message: error.message },
    });
  });

  it("turns Fastify's client errors into invalid_argument, and 413 into value_too_large", () => {
    const unsupported = Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 });
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(httpErrorOf(unsupported)).toEqual({
      status: 400,
      body: { code: 'invalid_argument', message: 'Unsupported Media Type' },
    });
    expect(httpErrorOf(tooLarge).status).toBe(413);
    expect(httpErrorOf(tooLarge).body.code).toBe('value_too_large');
  });

  it('answers anything else as 500 internal without its message or stack', () => {
    for (const thrown of [new TypeError('secret detail'), 'a string', undefined, { statusCode: 400 }]) {
      expect(httpErrorOf(thrown)).toEqual({
        status: 500,
        body: { code: 'internal', message: 'internal error' },
      });
    }
    expect(httpErrorOf(Object.assign(new Error('secret'), { statusCode: 502 })).body.message).toBe(
      'internal error',
    );
  });
});
