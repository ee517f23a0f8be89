import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

import { InFlightLimiter } from '@ringcache/cache-core';
import { eventually, rawConnection } from '@ringcache/testing';

import { entryServer } from './entry-server';

describe('entryServer', () => {
  let server: Server;
  const held: ServerResponse[] = [];
  const limiter = new InFlightLimiter({ max: 1 });
  const gated: string[] = [];
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

  beforeAll(async () => {
    const factory = entryServer({
      inFlight: limiter,
      echoRequestId: true,
      isStream: (u) => u === '/stream',
      log: () => undefined,
      gate: (request, response) => {
        gated.push(request.url as string);
        if (request.url !== '/refused') return false;
        response.writeHead(401).end();
        return true;
      },
      fastPath: (request, response) => {
        if (request.url !== '/fast') return false;
        response.end('fast');
        return true;
      },
      upgrade: {
        upgrade: (request, socket) => {
          if (request.url !== '/take') return false;
          socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\ntaken');
          return true;
        },
        close: () => undefined,
      },
    });
    // The framework's handler: /hold keeps its answer open until the test ends it.
    server = factory((request, response) => {
      if (request.url === '/hold' || request.url === '/stream') held.push(response);
      else response.end('framework');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const response of held) response.end();
    await new Promise((resolve) => server.close(resolve));
  });

  it('shows every request to the gate first, then the fast path, then the framework', async () => {
    expect(await (await fetch(url('/fast'))).text()).toBe('fast');
    expect(await (await fetch(url('/other'))).text()).toBe('framework');
    expect((await fetch(url('/refused'))).status).toBe(401);
    expect(gated).toEqual(['/fast', '/other', '/refused']);
    expect(limiter.inFlight).toBe(0);
  });

  it('answers 503 overloaded with Retry-After at once past the bound; probes and streams pass', async () => {
    const hold = fetch(url('/hold'));
    await eventually('held.length === 1', () => held.length === 1, 2_000);
    const shed = await fetch(url('/fast'));
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('x-request-id')).toBeTruthy();
    expect(await shed.json()).toEqual({
      code: 'overloaded',
      message: 'overloaded: 1 requests in flight, try again shortly',
    });
    expect(limiter.refused).toBe(1);
    expect((await fetch(url('/healthz'))).status).toBe(200);
    void fetch(url('/stream')).catch(() => undefined);
    await eventually('held.length === 2', () => held.length === 2, 2_000);
    expect(limiter.inFlight).toBe(1);

    held[0].end('done');
    expect(await (await hold).text()).toBe('done');
    await eventually('limiter.inFlight === 0', () => limiter.inFlight === 0, 2_000);
    expect(await (await fetch(url('/fast'))).text()).toBe('fast');
  });

  it('hands upgrade requests to the upgrade handler, and answers one it refuses 404', async () => {
    const upgrade = async (path: string) => {
      const { socket, received, closed } = rawConnection((server.address() as AddressInfo).port);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n`);
      await closed;
      return received();
    };
    expect(await upgrade('/take')).toMatch(/^HTTP\/1.1 101 [^]*taken$/);
    expect(await upgrade('/other')).toBe(
      'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
  });
});

describe('entryServer with requestTimeoutMs', () => {
  it('answers 408 and closes a connection whose request is not all sent in time, giving its slot back', async () => {
    const limiter = new InFlightLimiter({ max: 10 });
    const factory = entryServer({
      inFlight: limiter,
      requestTimeoutMs: 300,
      echoRequestId: false,
      log: () => undefined,
    });
    // The handler waits for the whole body, as a write does.
    const server = factory((request, response) => request.resume().on('end', () => response.end('stored')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { socket, received, closed } = rawConnection((server.address() as AddressInfo).port);
      socket.write('PUT /k HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc');
      await eventually('limiter.inFlight === 1', () => limiter.inFlight === 1, 2_000);
      await closed;
      expect(received()).toMatch(/^HTTP\/1.1 408 /);
      await eventually('limiter.inFlight === 0', () => limiter.inFlight === 0, 2_000);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('leaves an upgraded connection and an answer still streaming open past the timeout', async () => {
    const factory = entryServer({
      requestTimeoutMs: 200,
      echoRequestId: false,
      isStream: (u) => u === '/stream',
      log: () => undefined,
      upgrade: {
        upgrade: (_request, socket) => {
          socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
          socket.on('data', (chunk) => socket.write(chunk));
          socket.on('end', () => socket.end());
          socket.on('error', () => undefined);
          return true;
        },
        close: () => undefined,
      },
    });
    const streams: ServerResponse[] = [];
    const server = factory((_request, response) => {
      response.writeHead(200).write('open\n');
      streams.push(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const open = (head: string) => {
      const connection = rawConnection(port);
      connection.socket.write(head);
      return connection;
    };
    const upgraded = open(
      'GET /frames HTTP/1.1\r\nHost: test\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n',
    );
    const stream = open('GET /stream HTTP/1.1\r\nHost: test\r\n\r\n');
    try {
      await eventually(
        'both set up',
        () => upgraded.received().includes(' 101 ') && streams.length === 1,
        2_000,
      );
      // Five times the timeout, checked every 100 ms.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      upgraded.socket.write('ping');
      streams[0].write('later\n');
      await eventually(
        'both still answer',
        () => upgraded.received().endsWith('ping') && stream.received().includes('later'),
        2_000,
      );
      expect(upgraded.received()).not.toMatch(/ 408 /);
      expect(stream.received()).not.toMatch(/ 408 /);
    } finally {
      upgraded.socket.destroy();
      stream.socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
