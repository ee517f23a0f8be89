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
} from '@ringcache/cache-core';

import { httpErrorOf } from './http-errors';
import { remoteError, type RemoteCall } from './remote-error';

const call: RemoteCall = { peer: 'node-b', operation: 'Get', group: 'scores', key: 'Tom' };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('remoteError', () => {
  it.each([
    [new InvalidArgumentError('keys must be a list'), InvalidArgumentError],
    [new KeyTooLongError(2000, 1024), KeyTooLongError],
    [new ValueTooLargeError(9, 8), ValueTooLargeError],
    [new UnknownGroupError('nope'), UnknownGroupError],
    [new LoadError('scores', 'Tom', { cause: new Error('db down') }), LoadError],
    [new LoadTimeoutError('scores', 'Tom', 2500), LoadTimeoutError],
    [new UnavailableError('no owner answered'), UnavailableError],
    [new UnimplementedError('Set'), UnimplementedError],
  ])('rebuilds %s as its class with code, recoverable and message intact', (sent, type) => {
    const { status, body } = httpErrorOf(sent);
    const received = remoteError(status, json(body), call);
    expect(received).toBeInstanceOf(type);
    expect(received).toMatchObject({ code: sent.code, recoverable: sent.recoverable, message: sent.message });
    expect(received.stack).toContain(sent.message);
  });

  it("rebuilds the peer's own peer_unavailable as unavailability of this peer (recoverable)", () => {
    const sent = new PeerUnavailableError('node-c', 'Get', 'connect ECONNREFUSED');
    const received = remoteError(503, json(httpErrorOf(sent).body), call);
    expect(received).toBeInstanceOf(PeerUnavailableError);
    expect(received).toMatchObject({ peer: 'node-b', recoverable: true });
    expect(received.message).toContain(sent.message);
  });

  it('keeps internal errors as internal', () => {
    const received = remoteError(500, json({ code: 'internal', message: 'internal error' }), call);
    expect(received).toBeInstanceOf(RingcacheError);
    expect(received).toMatchObject({ code: 'internal', recoverable: false, message: 'internal error' });
  });

  it('falls back on the status for answers that are not ours', () => {
    const fastifyBadUrl = json({
      error: 'Bad Request',
      code: 'FST_ERR_BAD_URL',
      message: 'bad url',
      statusCode: 400,
    });
    expect(remoteError(400, fastifyBadUrl, call)).toBeInstanceOf(InvalidArgumentError);
    expect(remoteError(502, Buffer.from('<html>Bad Gateway</html>'), call)).toBeInstanceOf(
      PeerUnavailableError,
    );
    expect(remoteError(501, Buffer.alloc(0), call)).toBeInstanceOf(UnimplementedError);
    const missingRoute = remoteError(404, json({ message: 'Route GET:/x not found', statusCode: 404 }), call);
    expect(missingRoute).toMatchObject({
      code: 'internal',
      message: 'Get on peer node-b: Route GET:/x not found',
    });
    expect(remoteError(429, Buffer.alloc(0), call).message).toBe(
      'Get on peer node-b: HTTP 429: (empty body)',
    );
  });
});
