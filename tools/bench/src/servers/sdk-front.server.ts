// ringcache through the SDK: what a user's own service does with `@ringcache/client` — node:http answers
// GET <KEY_PATH_PREFIX><key> (the gateway's path, so the load is the same as every other row) with
// `client.get`, which calls the key's owner directly over TRANSPORT (`grpc`, the default, or `http`).
// Compare with the Redis cache-aside front, which is the same node:http server with ioredis in place of
// the SDK. Run as its own process:
// `PORT=… TRANSPORT=http NEAR_BYTES=0 NODES='[{"name":…,"grpc":"host:port","http":"host:port"}]' node sdk-front.server.js`
// (NEAR_BYTES > 0: the SDK keeps a near cache of that many bytes; ETCD_ENDPOINTS and CLUSTER: find the
// nodes in etcd instead). PUT and DELETE on the same path are `client.set` (`?ttl=`) and `client.delete`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { RingcacheClient, type ClientTransport, type RingcacheNode } from '@ringcache/client';

import { BENCH_GROUP, KEY_PATH_PREFIX } from '../data/keys';

const port = Number(process.env['PORT']);
const nodes = JSON.parse(process.env['NODES'] ?? '[]') as RingcacheNode[];
// The client refuses any other value when it is created, so a typo stops the front at start.
const transport = (process.env['TRANSPORT'] || 'grpc') as ClientTransport;
const nearBytes = Number(process.env['NEAR_BYTES'] ?? 0);
const etcd = process.env['ETCD_ENDPOINTS'];
const client = new RingcacheClient({
  ...(etcd
    ? { etcd: { endpoints: etcd.split(','), cluster: process.env['CLUSTER'] ?? 'ringcache' } }
    : { nodes }),
  transport,
  ...(nearBytes > 0 ? { nearCache: { maxBytes: nearBytes } } : {}),
});

function send(res: ServerResponse, status: number, body: Buffer | string): void {
  res.writeHead(status, {
    'content-type': status === 200 ? 'application/octet-stream' : 'text/plain',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
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

/** PUT stores the body (`?ttl=<n>s` as its TTL), DELETE drops the key: `client.set` and `client.delete`. */
async function write(req: IncomingMessage, key: string, query: string): Promise<string> {
  if (req.method === 'DELETE') return String(await client.delete(BENCH_GROUP, key));
  const ttl = /(?:^|&)ttl=([^&]+)/.exec(query)?.[1];
  return JSON.stringify(await client.set(BENCH_GROUP, key, await body(req), { ttl }));
}

const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (url === '/readyz') return send(res, 200, 'ok');
  if (!url.startsWith(KEY_PATH_PREFIX)) return send(res, 404, 'no such route');
  const [path, query = ''] = url.split('?');
  const key = decodeURIComponent(path.slice(KEY_PATH_PREFIX.length));
  if (req.method === 'PUT' || req.method === 'DELETE') {
    write(req, key, query).then(
      (answer) => send(res, 200, answer),
      (error: Error) => send(res, 503, error.message),
    );
    return;
  }
  client.get(BENCH_GROUP, key).then(
    (value) => (value ? send(res, 200, value) : send(res, 404, 'not found')),
    (error: Error) => send(res, 503, error.message),
  );
});

/** With a near cache, ready only once every node's invalidation stream is up and it serves. */
async function ready(): Promise<void> {
  await client.ready();
  for (let i = 0; nearBytes > 0 && client.nearCacheStats()?.enabled !== true; i++) {
    if (i >= 200) throw new Error('the near cache did not start serving within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

ready().then(
  () => server.listen(port, '127.0.0.1', () => console.log(`SDK front (${transport}) on 127.0.0.1:${port}`)),
  (error: Error) => {
    console.error(`no cache node reachable: ${error.message}`);
    process.exit(1);
  },
);

process.on('SIGTERM', () => {
  server.close();
  void client.close().finally(() => process.exit(0));
});
