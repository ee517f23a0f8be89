import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';

import type { FastifyInstance } from 'fastify';

import { createFastifyAdapter } from './fastify-adapter';

/** Everything a server sends on one raw connection until it closes it. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(raw));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no close; got ${JSON.stringify(received)}`)));
  });
}

describe('clientErrorHandler (in every app through createFastifyAdapter)', () => {
  let app: FastifyInstance;
  let port: number;
  const done: string[] = [];

  beforeAll(async () => {
    app = createFastifyAdapter().getInstance() as unknown as FastifyInstance;
    app.delete('/slow/:key', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      done.push((request.params as { key: string }).key);
      return { deleted: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it('answers a request before the 400 of the garbage that follows it on the same connection', async () => {
    // A body longer than its Content-Length: the rest is read as the next request, and is none.
    const raw =
      'DELETE /slow/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}x"}\r\n\r\n';
    const received = await exchange(port, raw);
    expect(done).toEqual(['a']);
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toContain('{"deleted":true}');
    const second = received.indexOf('HTTP/1.1 400 Bad Request\r\n');
    expect(second).toBeGreaterThan(0);
    expect(received.slice(second)).toContain(
      '{"error":"Bad Request","message":"Client Error","statusCode":400}',
    );
  });

  it('answers garbage alone with 400 at once, and a header too large with 431', async () => {
    expect(await exchange(port, 'NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const huge = `GET /slow/b HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`;
    const answer = await exchange(port, huge);
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(answer).toContain('"statusCode":431');
  });
});
