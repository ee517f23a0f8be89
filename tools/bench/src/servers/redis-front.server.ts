// Baseline (b): what a user would write instead of ringcache — a cache-aside front. node:http answers
// GET <KEY_PATH_PREFIX><key> (the gateway's own path) from Redis (ioredis, one connection, default
// options); on a miss it reads the row from the same SQLite table the ringcache nodes read, stores it in
// Redis with a TTL, and answers it. PUT and DELETE on the same path write Redis (SET EX, DEL).
// Run as its own process: `PORT=… REDIS_URL=… SQLITE_PATH=… KEY_PREFIX=… TTL_SEC=… node redis-front.server.js`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import Database from 'better-sqlite3';
import Redis from 'ioredis';

import { KEY_PATH_PREFIX } from '../data/keys';
import { BENCH_TABLE } from '../data/sqlite-dataset';

const port = Number(process.env['PORT']);
const prefix = process.env['KEY_PREFIX'] ?? 'bench:';
const ttlSec = Number(process.env['TTL_SEC'] ?? 600);
const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
const db = new Database(process.env['SQLITE_PATH'] ?? '', { readonly: true });
const selectRow = db.prepare(
  `SELECT ${BENCH_TABLE.valueColumn} AS v FROM ${BENCH_TABLE.table} WHERE ${BENCH_TABLE.keyColumn} = ?`,
);

function send(res: ServerResponse, status: number, body: Buffer | string): void {
  res.writeHead(status, {
    'content-type': status === 200 ? 'application/octet-stream' : 'text/plain',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Cache-aside: Redis first; on a miss the database, then Redis for next time. */
async function lookup(key: string): Promise<Buffer | undefined> {
  const cached = await redis.getBuffer(prefix + key);
  if (cached) return cached;
  const row = selectRow.get(key) as { v: Buffer } | undefined;
  if (!row) return undefined;
  await redis.set(prefix + key, row.v, 'EX', ttlSec);
  return row.v;
}

/** The request's body, whole. */
function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A write as a user's service does it: PUT stores the body (`SET … EX <ttl>` with `?ttl=<n>s`, a plain
 * SET without), DELETE drops the key (`DEL`).
 */
async function write(method: string, key: string, query: string, req: IncomingMessage): Promise<string> {
  if (method === 'DELETE') return String(await redis.del(prefix + key));
  const value = await body(req);
  const ttl = /(?:^|&)ttl=(\d+)s?(?:&|$)/.exec(query)?.[1];
  await (ttl ? redis.set(prefix + key, value, 'EX', Number(ttl)) : redis.set(prefix + key, value));
  return 'OK';
}

const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (url === '/readyz') return send(res, 200, 'ok');
  if (!url.startsWith(KEY_PATH_PREFIX)) return send(res, 404, 'no such route');
  const [path, query = ''] = url.split('?');
  const key = decodeURIComponent(path.slice(KEY_PATH_PREFIX.length));
  if (req.method === 'PUT' || req.method === 'DELETE') {
    write(req.method, key, query, req).then(
      (answer) => send(res, 200, answer),
      (error: Error) => send(res, 503, error.message),
    );
    return;
  }
  lookup(key).then(
    (value) => (value ? send(res, 200, value) : send(res, 404, 'not found')),
    (error: Error) => send(res, 503, error.message),
  );
});

redis.connect().then(
  () => server.listen(port, '127.0.0.1', () => console.log(`redis cache-aside front on 127.0.0.1:${port}`)),
  (error: Error) => {
    console.error(`cannot connect to Redis: ${error.message}`);
    process.exit(1);
  },
);

process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
  db.close();
  process.exit(0);
});
