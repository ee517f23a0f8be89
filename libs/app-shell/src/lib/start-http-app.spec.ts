import { Controller, Get, HttpException, Logger, Module } from '@nestjs/common';
import type { HealthIndicatorService } from '@nestjs/terminus';
import type { DestinationStream } from 'pino';

import { HealthModule } from './health.module';
import { probeIndicator } from './readiness';
import { listeningPort, startHttpApp, type StartHttpAppOptions } from './start-http-app';

@Controller()
class TestController {
  private readonly logger = new Logger('test');

  @Get('ok')
  ok(): string {
    this.logger.log('serving ok');
    return 'fine';
  }

  @Get('boom')
  boom(): never {
    throw new HttpException('broken on purpose', 502);
  }

  @Get('slow')
  async slow(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 60));
    return 'late';
  }
}

@Module({ imports: [HealthModule], controllers: [TestController] })
class TestModule {}

/** A pino destination keeping every line, parsed. */
function capture(): DestinationStream & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
}

async function start(module: unknown, options: Partial<StartHttpAppOptions> = {}) {
  const log = capture();
  const app = await startHttpApp(module as typeof TestModule, {
    name: 'test',
    port: 0,
    handleSignals: false,
    logDestination: log,
    ...options,
  });
  const base = `http://127.0.0.1:${listeningPort(app)}`;
  return { app, base, log };
}

describe('startHttpApp', () => {
  it('serves GET /healthz with 200 on a real socket', async () => {
    const { app, base } = await start(TestModule);
    try {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', details: { process: { status: 'up' } } });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it("writes JSON lines through pino: app and node on every line, Nest's own lines and the address", async () => {
    const { app, base, log } = await start(TestModule, { nodeName: 'node7' });
    try {
      await fetch(`${base}/ok`);
      expect(log.lines.every((l) => l['app'] === 'test' && l['node'] === 'node7')).toBe(true);
      expect(log.lines).toContainEqual(
        expect.objectContaining({ level: 'info', context: 'test', msg: `test listening on ${base}` }),
      );
      expect(log.lines).toContainEqual(expect.objectContaining({ context: 'InstanceLoader' }));
      expect(log.lines).toContainEqual(expect.objectContaining({ context: 'test', msg: 'serving ok' }));
    } finally {
      await app.close();
    }
  });

  it('logs failed and slow requests with their request id, and no line for a request that went well', async () => {
    const { app, base, log } = await start(TestModule, { slowRequestMs: 50 });
    try {
      const before = log.lines.length;
      await fetch(`${base}/ok`, { headers: { 'x-request-id': 'fine-1' } });
      await fetch(`${base}/boom`, { headers: { 'x-request-id': 'boom-1' } });
      await fetch(`${base}/slow`);
      const lines = log.lines.slice(before).filter((l) => l['msg'] !== 'serving ok');
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'warn',
          msg: 'request failed',
          reqId: 'boom-1',
          method: 'GET',
          url: '/boom',
          status: 502,
        }),
        expect.objectContaining({
          level: 'warn',
          msg: 'slow request',
          url: '/slow',
          reqId: expect.any(String),
        }),
      ]);
      expect(lines[1]['ms']).toBeGreaterThanOrEqual(50);
    } finally {
      await app.close();
    }
  });

  it('never counts a long-lived stream as a slow request', async () => {
    const { app, base, log } = await start(TestModule, {
      slowRequestMs: 50,
      isStream: (url) => url === '/slow',
    });
    try {
      await fetch(`${base}/slow`);
      expect(log.lines.filter((l) => l['msg'] === 'slow request')).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('logs every request at debug; echoes the request id when asked, its own when there is none or a bad one', async () => {
    const { app, base, log } = await start(TestModule, { logLevel: 'debug', echoRequestId: true });
    try {
      const given = await fetch(`${base}/ok`, { headers: { 'x-request-id': 'client-1' } });
      expect(given.headers.get('x-request-id')).toBe('client-1');
      const made = await fetch(`${base}/ok`);
      const bad = await fetch(`${base}/ok`, { headers: { 'x-request-id': 'x'.repeat(200) } });
      const ids = [made.headers.get('x-request-id'), bad.headers.get('x-request-id')];
      expect(ids).toEqual([
        expect.stringMatching(/^[0-9a-f]{10}-\d+$/),
        expect.stringMatching(/^[0-9a-f]{10}-\d+$/),
      ]);
      expect(ids[0]).not.toBe(ids[1]);
      const requests = log.lines.filter((l) => l['msg'] === 'request');
      expect(requests.map((l) => l['reqId'])).toEqual(['client-1', ...ids]);
      expect(requests[0]).toMatchObject({ level: 'debug', method: 'GET', url: '/ok', status: 200 });
    } finally {
      await app.close();
    }
  });

  it('echoes no request id unless asked', async () => {
    const { app, base } = await start(TestModule);
    try {
      const res = await fetch(`${base}/ok`, { headers: { 'x-request-id': 'client-1' } });
      expect(res.headers.get('x-request-id')).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('HealthModule', () => {
  const state = { database: true };

  @Module({
    imports: [
      HealthModule.forRoot({
        readiness: (indicators: HealthIndicatorService) => [
          probeIndicator(indicators, 'database', async () => {
            if (!state.database) throw new Error('connect ECONNREFUSED');
            return { up: true, source: 'test db' };
          }),
          probeIndicator(indicators, 'ring', () => ({ up: true, members: 3 })),
          probeIndicator(indicators, 'hung', () => new Promise(() => undefined), 100),
        ],
      }),
    ],
  })
  class CheckedModule {}

  it('answers /readyz 503 naming each indicator that is down and why, 200 once all are up', async () => {
    const { app, base, log } = await start(CheckedModule);
    const readyz = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      state.database = false;
      expect(await readyz()).toEqual({
        status: 503,
        body: {
          status: 'error',
          info: { ring: { status: 'up', members: 3 } },
          error: {
            database: { status: 'down', message: 'connect ECONNREFUSED' },
            hung: { status: 'down', message: 'no answer within 100 ms' },
          },
          details: {
            database: { status: 'down', message: 'connect ECONNREFUSED' },
            ring: { status: 'up', members: 3 },
            hung: { status: 'down', message: 'no answer within 100 ms' },
          },
        },
      });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(log.lines).toContainEqual(
        expect.objectContaining({
          context: 'health',
          msg: 'not ready yet (database: connect ECONNREFUSED; hung: no answer within 100 ms)',
        }),
      );
      // Its 503 is the probe's answer, not a failed request: no "request failed" line for it.
      expect(log.lines.filter((l) => l['msg'] === 'request failed')).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('answers 200 with every indicator up', async () => {
    @Module({
      imports: [
        HealthModule.forRoot({
          readiness: (indicators: HealthIndicatorService) => [
            probeIndicator(indicators, 'ring', () => ({ up: state.database, members: 3 })),
          ],
        }),
      ],
    })
    class ReadyModule {}
    const { app, base, log } = await start(ReadyModule);
    try {
      state.database = true;
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'ok',
        info: { ring: { status: 'up', members: 3 } },
        error: {},
        details: { ring: { status: 'up', members: 3 } },
      });
      state.database = false;
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      expect(log.lines.filter((l) => l['context'] === 'health').map((l) => [l['level'], l['msg']])).toEqual([
        ['info', 'ready'],
        ['warn', 'not ready (ring down)'],
      ]);
    } finally {
      await app.close();
    }
  });
});
