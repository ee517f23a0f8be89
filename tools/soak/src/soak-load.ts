import { Agent, request } from 'node:http';

import type { RingcacheClient } from '@ringcache/client';

import { VALUE_BYTES, type Op, type OpKind, type OpMix } from './op-mix';

/** What the operations of one kind came to. */
export interface OpTally {
  ok: number;
  /** Reads of keys no one holds (404 / undefined): expected, a quarter of the key space is not in the table. */
  notFound: number;
  errors: number;
}

/** What the whole load came to. */
export interface LoadTally {
  byKind: Partial<Record<OpKind, OpTally>>;
  /** Operations due while `concurrency` were in flight, so not started: the load generator fell behind. */
  skipped: number;
  /** The first few errors, with their operation. */
  firstErrors: string[];
}

/** Options of {@link SoakLoad}. */
export interface SoakLoadOptions {
  gatewayUrl: string;
  client: RingcacheClient;
  group: string;
  mix: OpMix;
  /** Operations started per second. */
  rate: number;
  /** Most in flight at once. */
  concurrency: number;
}

/** How often operations are started: the rate is spread over ticks of this many ms. */
const TICK_MS = 50;
/** Longest any operation may take before it counts as an error. */
const OP_TIMEOUT_MS = 10_000;
/**
 * Keep-alive connections to the gateway. A fixed pool, used round-robin, so every connection stays busy and
 * open: the gateway's socket count then says something about the gateway, not about the load generator's
 * idle timeouts. Requests past it wait in the agent (they still count against `concurrency`).
 */
export const GATEWAY_SOCKETS = 8;

/**
 * A steady, paced load: `rate` operations a second drawn from the mix, at most `concurrency` in flight
 * (an operation due while that many wait is skipped and counted, so a slow cluster is not buried under a
 * queue), through the gateway's HTTP API (fetch, keep-alive) and the SDK client.
 */
export class SoakLoad {
  private readonly tally: LoadTally = { byKind: {}, skipped: 0, firstErrors: [] };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly value = Buffer.alloc(VALUE_BYTES.max, 'v');
  private readonly agent = new Agent({ keepAlive: true, maxSockets: GATEWAY_SOCKETS, scheduling: 'fifo' });
  private timer?: NodeJS.Timeout;
  private due = 0;

  constructor(private readonly options: SoakLoadOptions) {}

  /** Starts issuing operations. */
  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops issuing operations and waits for those in flight. */
  async stop(): Promise<LoadTally> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    this.agent.destroy();
    return this.tally;
  }

  private tick(): void {
    this.due += (this.options.rate * TICK_MS) / 1_000;
    for (; this.due >= 1; this.due--) {
      if (this.inFlight.size >= this.options.concurrency) {
        this.tally.skipped++;
        continue;
      }
      const op = this.options.mix.next();
      const done = this.run(op).then(
        (found) => this.count(op.kind, found ? 'ok' : 'notFound'),
        (error: Error) => {
          this.count(op.kind, 'errors');
          if (this.tally.firstErrors.length < 10)
            this.tally.firstErrors.push(`${op.kind} ${op.keys[0]}: ${error.message}`);
        },
      );
      const tracked = done.finally(() => this.inFlight.delete(tracked));
      this.inFlight.add(tracked);
    }
  }

  private count(kind: OpKind, outcome: keyof OpTally): void {
    const tally = (this.tally.byKind[kind] ??= { ok: 0, notFound: 0, errors: 0 });
    tally[outcome]++;
  }

  /** Runs one operation; resolves with false for a read of a key not found. */
  private async run(op: Op): Promise<boolean> {
    const { client, group } = this.options;
    const key = op.keys[0];
    const value = this.value.subarray(0, op.valueBytes ?? 0);
    const ttl = op.ttlSeconds === undefined ? undefined : `${op.ttlSeconds}s`;
    const options = { timeoutMs: OP_TIMEOUT_MS };
    switch (op.kind) {
      case 'sdk-get':
        return (await client.get(group, key, options)) !== undefined;
      case 'sdk-get-many':
        await client.getMany(group, op.keys, options);
        return true;
      case 'sdk-set-ttl':
        await client.set(group, key, value, { ...options, ttl });
        return true;
      case 'sdk-delete':
        await client.delete(group, key, options);
        return true;
      case 'gateway-get':
        return this.http('GET', `keys/${key}`, undefined, [200, 404]);
      case 'gateway-batch-get':
        return this.http('POST', 'keys:batchGet', JSON.stringify({ keys: op.keys }), [200]);
      case 'gateway-set-ttl':
      case 'gateway-set':
        return this.http('PUT', `keys/${key}${ttl ? `?ttl=${ttl}` : ''}`, value, [200]);
      case 'gateway-delete':
        return this.http('DELETE', `keys/${key}`, undefined, [200]);
    }
  }

  /** One request to the gateway; resolves with false on a 404, rejects on a status not in `expected`. */
  private http(
    method: string,
    path: string,
    body: string | Buffer | undefined,
    expected: number[],
  ): Promise<boolean> {
    const url = `${this.options.gatewayUrl}/api/v1/groups/${this.options.group}/${path}`;
    const headers = typeof body === 'string' ? { 'content-type': 'application/json' } : undefined;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent, timeout: OP_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (expected.includes(status)) resolve(status !== 404);
          else
            reject(
              new Error(`${method} ${path} answered ${status} ${Buffer.concat(chunks).subarray(0, 200)}`),
            );
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${OP_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
