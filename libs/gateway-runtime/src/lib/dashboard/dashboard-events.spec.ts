import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { listeningPort } from '@ringcache/app-shell';
import { loadConfig } from '@ringcache/config';
import { eventually, freePort, rawConnection, tempDir, type TempDir } from '@ringcache/testing';

import { startGateway } from '../start-gateway';
import { DashboardStream } from './dashboard-stream';

/** The live feed on the real gateway in this process (static membership, a node that never answers). */
describe('GET /api/v1/events', () => {
  let dir: TempDir;
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    dir = tempDir('dashboard-events');
    const unreachable = `127.0.0.1:${await freePort()}`;
    const config = loadConfig({
      cwd: dir.path,
      env: {
        RINGCACHE_GATEWAY_PORT: String(await freePort()),
        RINGCACHE_GATEWAY_MAX_IN_FLIGHT: '1',
        RINGCACHE_GATEWAY_MAX_EVENT_STREAMS: '2',
        RINGCACHE_LOG_LEVEL: 'error',
        RINGCACHE_NODES: JSON.stringify([{ name: 'node1', grpc: unreachable, http: unreachable }]),
      },
    });
    app = await startGateway(config, { handleSignals: false });
    base = `http://127.0.0.1:${listeningPort(app)}`;
  });

  afterAll(() => dir?.remove());

  it('drops a stream whose client stopped reading', async () => {
    const stream = app.get(DashboardStream);
    const { socket } = rawConnection(Number(new URL(base).port), { read: false });
    socket.write('GET /api/v1/events HTTP/1.1\r\nhost: x\r\n\r\n');
    await eventually('the stream open', () => stream.size === 1, 5_000);
    const payload = 'x'.repeat(64 * 1024);
    // Past loopback's socket buffers (a few MiB) the gateway holds the bytes, up to 1 MiB: bounded at 64 MiB.
    for (let i = 0; i < 1024 && stream.size === 1; i++) {
      stream.send('sample', payload);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(stream.size).toBe(0);
    socket.destroy();
  });

  it('refuses one stream more than gateway.maxEventStreams, 503 overloaded, until one closes', async () => {
    const stream = app.get(DashboardStream);
    const open = await Promise.all([fetch(`${base}/api/v1/events`), fetch(`${base}/api/v1/events`)]);
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    await eventually('two streams open', () => stream.size === 2, 5_000);
    const refused = await fetch(`${base}/api/v1/events`, { headers: { 'x-request-id': 'stream-3' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('x-request-id')).toBe('stream-3');
    expect(await refused.json()).toMatchObject({ code: 'overloaded' });
    await open[0].body?.cancel();
    await eventually('one stream left', () => stream.size === 1, 5_000);
    const again = await fetch(`${base}/api/v1/events`);
    expect(again.status).toBe(200);
    for (const response of [open[1], again]) await response.body?.cancel();
    await eventually('no stream left', () => stream.size === 0, 5_000);
  });

  it('streams events, is not counted in flight, and ends when the gateway closes', async () => {
    const stream = await fetch(`${base}/api/v1/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    // The stream is answered outside Fastify, and carries a request id as every answer does.
    expect(stream.headers.get('x-request-id')).toMatch(/\S/);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    // The first chunk may already carry the first sample after the retry line.
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(
      /^retry: 2000\n\n(event: sample\n|$)/,
    );
    // With room for one request in flight, the open stream leaves it free.
    expect((await fetch(`${base}/api/v1/cluster`)).status).toBe(200);
    const page = await fetch(`${base}/dashboard`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script src="/dashboard/uplot.js"></script>');
    const closed = app.close();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
    await closed;
  });
});
