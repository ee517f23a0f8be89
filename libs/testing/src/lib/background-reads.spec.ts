import { createServer, type Server } from 'node:http';

import { BackgroundReads } from './background-reads';
import { eventually } from './http';

/** A server answering /<status>/<body>: that status, with that body. */
function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const [, status, ...body] = (req.url ?? '').split('/');
    if (status === 'hang') return;
    res.writeHead(Number(status)).end(decodeURIComponent(body.join('/')));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }),
    ),
  );
}

describe('BackgroundReads', () => {
  let server: Server;
  let base: string;
  const notFound = encodeURIComponent('{"code":"not_found"}');

  beforeAll(async () => ({ server, url: base } = await startServer()));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  async function runUntil(reads: BackgroundReads, count: number) {
    await eventually(`${count} reads`, () => reads.records.length >= count, 5_000);
    return reads.stop();
  }

  it('counts values and not-founds that match what is expected as correct', async () => {
    const reads = new BackgroundReads([
      { key: 'Tom', url: `${base}/200/630`, expected: '630' },
      { key: 'nobody', url: `${base}/404/${notFound}`, expected: null },
    ]);
    const summary = await runUntil(reads, 20);
    expect(summary).toMatchObject({ wrong: 0, errors: 0, failures: [] });
    expect(summary.correct).toBe(summary.reads);
  });

  it('names key, status and body of every wrong answer: another value, a wrong 404, a value for nothing', async () => {
    const reads = new BackgroundReads(
      [
        { key: 'Tom', url: `${base}/200/589`, expected: '630' },
        { key: 'Jack', url: `${base}/404/${notFound}`, expected: '589' },
        { key: 'ghost', url: `${base}/200/1`, expected: null },
      ],
      1,
    );
    const summary = await runUntil(reads, 3);
    expect(summary.correct).toBe(0);
    expect(summary.wrong).toBe(summary.reads);
    expect(summary.failures.slice(0, 3)).toEqual([
      'Tom: 200 589',
      'Jack: 404 {"code":"not_found"}',
      'ghost: 200 1',
    ]);
  });

  it('counts 5xx, other 404s and refused connections as errors', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const reads = new BackgroundReads(
      [
        { key: 'a', url: `${base}/503/${encodeURIComponent('{"code":"unavailable"}')}`, expected: '1' },
        { key: 'b', url: `${base}/404/${encodeURIComponent('{"code":"unknown_group"}')}`, expected: null },
        { key: 'c', url: `http://127.0.0.1:${port}/`, expected: null },
      ],
      1,
    );
    const summary = await runUntil(reads, 3);
    expect(summary.errors).toBe(summary.reads);
    expect(summary.failures.slice(0, 3)).toEqual([
      'a: 503 {"code":"unavailable"}',
      'b: 404 {"code":"unknown_group"}',
      expect.stringMatching(/^c: fetch failed \(ECONNREFUSED\)$/),
    ]);
  });

  it('records when each read started and how long it took, and sums up reads since a moment', async () => {
    const reads = new BackgroundReads([{ key: 'slow', url: `${base}/hang`, expected: '1' }], 1);
    const fast = new BackgroundReads([{ key: 'Tom', url: `${base}/200/630`, expected: '630' }], 1);
    await eventually('a few fast reads', () => fast.records.length >= 5, 5_000);
    const since = Date.now();
    await eventually('more fast reads', () => fast.summary(since).reads >= 3, 5_000);
    const all = await fast.stop();
    expect(fast.summary(since).reads).toBeLessThan(all.reads);
    expect(fast.records.every((r) => r.ms >= 0 && r.ms < 5_000)).toBe(true);
    // A read in flight is not counted until it ends; stop() waits for it (here: the server closing it).
    expect(reads.records).toEqual([]);
    const stopped = reads.stop();
    server.closeAllConnections();
    expect((await stopped).errors).toBe(1);
  }, 20_000);

  it('stops every reader still running at once, and only those', async () => {
    const stopped = new BackgroundReads([{ key: 'a', url: `${base}/200/1`, expected: '1' }], 1);
    await stopped.stop();
    const left = [1, 2].map(
      (n) => new BackgroundReads([{ key: `k${n}`, url: `${base}/200/${n}`, expected: `${n}` }], 2),
    );
    await eventually('both reading', () => left.every((reads) => reads.records.length > 0), 5_000);
    await BackgroundReads.stopAll();
    const counts = left.map((reads) => reads.records.length);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(left.map((reads) => reads.records.length)).toEqual(counts);
    await BackgroundReads.stopAll(); // nothing left: a no-op
  });

  it('refuses to run without targets', () => {
    expect(() => new BackgroundReads([])).toThrow('BackgroundReads needs at least one target');
  });
});
