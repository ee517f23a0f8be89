import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

import { InFlightLimiter } from '@ringcache/cache-core';
import { eventually } from '@ringcache/testing';

import { admittedRequests } from './admitted-requests';

describe('admittedRequests', () => {
  let server: Server;
  let limiter: InFlightLimiter;
  let held: ServerResponse[];
  const sockets: Socket[] = [];

  beforeEach(async () => {
    limiter = new InFlightLimiter({ max: 100 });
    held = [];
    const hold = admittedRequests(limiter);
    // Admits every request; /hold keeps its answer open until the test ends it, anything else is answered.
    server = createServer((request, response) => {
      expect(limiter.tryAcquire()).toBe(true);
      hold(request, response);
      if (request.url === '/hold') held.push(response);
      else response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const response of held) response.end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A connection that sends `paths` as GETs at once (pipelined); resolves once it is open. */
  const pipelined = async (paths: string[]): Promise<Socket> => {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => undefined);
    sockets.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: test\r\n\r\n`).join(''));
    return socket;
  };

  it("gives a request's slot back when its answer is sent", async () => {
    const answers = await Promise.all(['/a', '/b', '/c'].map(async (p) => (await fetch(url(p))).text()));
    expect(answers).toEqual(['ok', 'ok', 'ok']);
    await eventually('limiter.inFlight === 0', () => limiter.inFlight === 0, 2_000);
  });

  it('gives back the slots of pipelined requests still queued when their connection drops', async () => {
    const socket = await pipelined(['/hold', '/hold', '/hold', '/hold', '/hold']);
    await eventually('held.length === 5', () => held.length === 5, 2_000);
    expect(limiter.inFlight).toBe(5);
    socket.destroy();
    // node:http closes the first response only; the four queued behind it are released with the connection.
    await eventually('limiter.inFlight === 0', () => limiter.inFlight === 0, 2_000);
  });

  it('gives each slot back once, whichever close comes first', async () => {
    // One request held on a connection that stays open: its slot must still be counted at the end.
    await pipelined(['/hold']);
    await eventually('held.length === 1', () => held.length === 1, 2_000);
    const dropped = await pipelined(['/hold', '/a', '/hold']);
    await eventually('held.length === 3', () => held.length === 3, 2_000);
    expect(limiter.inFlight).toBe(4);
    held[1].end('late');
    dropped.destroy();
    await eventually('limiter.inFlight === 1', () => limiter.inFlight === 1, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(limiter.inFlight).toBe(1);
    held[0].end('done');
    await eventually('limiter.inFlight === 0', () => limiter.inFlight === 0, 2_000);
  });

  function url(path: string): string {
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  }
});
