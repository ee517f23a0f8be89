import type { DataSource } from 'typeorm';

import type { LoadResult } from '@ringcache/cache-core';
import { eventually, ScratchMysql, TcpProxy } from '@ringcache/testing';

import { createDataSource } from './create-data-source';
import { ensureDemoData } from './demo-data';
import { DatabaseUnavailableError } from './errors';
import { scoresLoader } from './scores-loader';

/** Deadline of connects and loads in these tests: short, so the outage tests are quick. */
const TIMEOUT_MS = 500;
/** Slack for a loaded machine on top of the deadline. */
const SLACK_MS = 700;

/**
 * The database going away and coming back, faked with a TCP proxy in front of the real MariaDB so that
 * the server itself is never stopped.
 */
describe('mysqlRowReader when the database goes away', () => {
  let scratch: ScratchMysql;
  let proxy: TcpProxy;
  let dataSource: DataSource;
  const warnings: string[] = [];

  beforeAll(async () => {
    scratch = await ScratchMysql.create({ ownUser: false });
    proxy = await TcpProxy.start(scratch.host, scratch.port);
    dataSource = await createDataSource({
      mysqlUrl: scratch.url.replace(`:${scratch.port}/`, `:${proxy.port}/`),
      connectTimeoutMs: TIMEOUT_MS,
      poolSize: 2,
      logger: { log: () => undefined, warn: (message) => warnings.push(message) },
    });
    await ensureDemoData(dataSource);
  });
  afterAll(async () => {
    // The scratch database goes first: a test that failed half-way may leave the pool unable to close.
    await scratch?.drop();
    proxy?.forward();
    await proxy?.stop();
    await dataSource?.destroy();
  });

  const loader = () => scoresLoader(dataSource);
  /** Runs `count` loads of Tom at once, with how long each took to settle. */
  async function loadMany(count: number) {
    const load = loader();
    return Promise.all(
      Array.from({ length: count }, async () => {
        const started = Date.now();
        const outcome = await load.load('Tom').then(
          (result: LoadResult) => ({ result, error: undefined }),
          (error: unknown) => ({ result: undefined, error }),
        );
        return { ...outcome, ms: Date.now() - started };
      }),
    );
  }
  const expectScore = async () => {
    const result = await loader().load('Tom');
    expect(result.found && Buffer.from(result.value).toString()).toBe('630');
  };

  it('loads through the proxy', async () => {
    const outcomes = await loadMany(4);
    expect(outcomes.every((o) => o.result?.found)).toBe(true);
  });

  it('rejects at once while the server is down, and loads again once it is back', async () => {
    await loadMany(2); // both pool connections open and idle
    await proxy.stop();
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const outcome of await loadMany(3)) {
        expect(outcome.error).toBeInstanceOf(DatabaseUnavailableError);
        expect((outcome.error as Error).message).toMatch(
          /^mysql 127\.0\.0\.1:\d+\/rc_test_\w+ is unavailable: /,
        );
        expect(outcome.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }
    }
    expect(warnings.some((w) => w.includes('connection lost'))).toBe(true);

    await proxy.restart();
    await expectScore();
    const outcomes = await loadMany(4);
    expect(outcomes.every((o) => o.result?.found)).toBe(true);
  });

  it('rejects within the deadline while the server hangs, without losing pool slots, and recovers', async () => {
    await loadMany(2);
    proxy.blackhole();
    // More loads than pool slots: two hang mid-query, two wait for a connection; all must give up in time.
    const outcomes = await loadMany(4);
    for (const outcome of outcomes) {
      expect(outcome.error).toBeInstanceOf(DatabaseUnavailableError);
      expect(outcome.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    expect(outcomes.map((o) => (o.error as Error).message)).toContain(
      `${(outcomes[0].error as DatabaseUnavailableError).database} is unavailable: no answer within ${TIMEOUT_MS} ms`,
    );
    // Still hanging: the stuck connections were dropped, so new loads are not queued behind them forever.
    for (const outcome of await loadMany(3)) expect(outcome.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);

    proxy.forward();
    // Handshakes begun while it hung had their bytes swallowed and must time out first: allow for that.
    await eventually('a load through the proxy to succeed', expectScore, 3 * TIMEOUT_MS + SLACK_MS);
    const recovered = await loadMany(6);
    expect(recovered.every((o) => o.result?.found)).toBe(true);
  });
});
