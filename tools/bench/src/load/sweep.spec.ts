import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { keyName } from '../data/keys';
import { sweep } from './sweep';

describe('sweep', () => {
  let server: Server;
  let origin: string;
  let asked: string[];
  let open: number;
  let peak: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      asked.push(request.url as string);
      peak = Math.max(peak, ++open);
      // Answered a moment later, so that requests overlap.
      setTimeout(() => {
        open--;
        response.end('v');
      }, 1);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    asked = [];
    open = 0;
    peak = 0;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('asks every key of the range once, at most `concurrency` at a time', async () => {
    // 1,003 keys over 8 connections: three of them get one key more than the others.
    const result = await sweep({
      mode: 'sweep',
      origin,
      prefix: '/k/',
      from: 100,
      to: 1_103,
      concurrency: 8,
    });
    const expected = Array.from({ length: 1_003 }, (_, i) => `/k/${keyName(100 + i)}`);
    expect([...asked].sort()).toEqual(expected);
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
    expect(result).toMatchObject({ responses: 1_003, ok: 1_003, errors: 0, statusCodes: { 200: 1_003 } });
    expect(result.rps).toBeGreaterThan(0);
  });

  it('takes fewer connections than asked when the range is shorter', async () => {
    const result = await sweep({ mode: 'sweep', origin, prefix: '/k/', from: 0, to: 3, concurrency: 64 });
    expect([...asked].sort()).toEqual([0, 1, 2].map((i) => `/k/${keyName(i)}`));
    expect(result.responses).toBe(3);
  });

  it('refuses an empty range', async () => {
    await expect(
      sweep({ mode: 'sweep', origin, prefix: '/k/', from: 5, to: 5, concurrency: 4 }),
    ).rejects.toThrow('sweep of no keys: [5, 5)');
  });
});
