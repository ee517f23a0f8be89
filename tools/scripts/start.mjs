// `npm start`: a whole local ringcache cluster on the embedded defaults of config/ringcache.yaml — the
// cache nodes of its `nodes` list and the gateway, on SQLite (or MySQL when RINGCACHE_MYSQL_URL is set).
// Membership: etcd when RINGCACHE_ETCD_ENDPOINTS (or the config) names one, or when an `etcd` binary is
// on the PATH (a single member is started on 2379 with a temp data dir); otherwise the static `nodes`
// list. With etcd, two ttl-workers run too (one leads, one stands by), so entries with a TTL leave every
// node's memory on time. Builds the apps first and prints where everything is. A cache node or a
// ttl-worker that dies is reported with the command that starts it again, the rest go on (as in
// production, the ring closes over it) and each change of the ring is printed; the gateway dying, or
// Ctrl-C, stops every child cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

import { parse } from 'yaml';

import { SINGLE_MEMBER, etcdAvailable, startEtcd } from './etcd-members.mjs';
import { watchRing } from './ring-watch.mjs';
import { nxEnv, root } from './workspace.mjs';

const configFile = resolve(process.env.RINGCACHE_CONFIG ?? join(root, 'config/ringcache.yaml'));
const config = existsSync(configFile) ? (parse(readFileSync(configFile, 'utf8')) ?? {}) : {};
const nodes = config.nodes ?? [];
const gatewayPort = Number(process.env.RINGCACHE_GATEWAY_PORT ?? config.gateway?.port ?? 9999);
const ttlWorkerPort = Number(process.env.RINGCACHE_TTL_WORKER_PORT ?? config.ttlWorker?.port ?? 8200);
// The standby ttl-worker, on the next port: it takes over when the leader dies.
const standbyPort = ttlWorkerPort + 1;
if (nodes.length === 0) fail(`${configFile} lists no nodes: the local cluster needs a static node list`);

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

function portOf(address) {
  return Number(String(address).split(':').pop());
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
function portFree(port) {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

const configuredEtcd = process.env.RINGCACHE_ETCD_ENDPOINTS || (config.etcd?.endpoints ?? []).join(',');
const startOwnEtcd = !configuredEtcd && etcdAvailable();
// The delay queue the ttl-worker consumes lives in etcd: without etcd there is nothing for it to do.
const withTtlWorker = Boolean(configuredEtcd) || startOwnEtcd;
const apps = ['cache-node', 'gateway', ...(withTtlWorker ? ['ttl-worker'] : [])];
const ports = [
  ...nodes.flatMap((n) => [portOf(n.grpc), portOf(n.http)]),
  gatewayPort,
  ...(withTtlWorker ? [ttlWorkerPort, standbyPort] : []),
  ...(startOwnEtcd ? [SINGLE_MEMBER[0].client, SINGLE_MEMBER[0].peer] : []),
];
const taken = [];
for (const port of ports) if (!(await portFree(port))) taken.push(port);
if (taken.length)
  fail(`port(s) ${taken.join(', ')} already in use — is another ringcache running? Stop it first.`);

console.log(`building ${apps.join(', ')}…`);
const build = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/nx/dist/bin/nx.js'),
    'run-many',
    '-t',
    'build',
    '-p',
    apps.join(','),
    '--outputStyle=static',
  ],
  { cwd: root, env: nxEnv, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (build.status !== 0) fail('the build failed (run `npx nx run-many -t build` to see why)');

let etcd;
let etcdEndpoints = configuredEtcd;
if (startOwnEtcd) {
  console.log('starting etcd (one member, 127.0.0.1:2379, temp data dir)…');
  etcd = await startEtcd(SINGLE_MEMBER).catch((error) => fail(error.message));
  etcdEndpoints = etcd.endpoints.join(',');
}
const membershipEnv = etcdEndpoints ? { RINGCACHE_ETCD_ENDPOINTS: etcdEndpoints } : {};

const children = [];
/** True once every process answered ready: from then on only the gateway's exit stops the cluster. */
let up = false;
function start(name, app, env) {
  const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js')], {
    cwd: root,
    // Lines for people, as on a terminal (the children's output is piped through here): unless asked otherwise.
    env: {
      RINGCACHE_LOG_FORMAT: 'pretty',
      ...process.env,
      RINGCACHE_CONFIG: configFile,
      ...membershipEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C reaches only this script, which then stops each child once, in
    // order, instead of every child getting the terminal's SIGINT and then this script's SIGTERM too.
    detached: true,
  });
  const prefix = `[${name}]`.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) if (line.trim()) console.log(`${prefix} ${line}`);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    const how = signal ?? `code ${code}`;
    if (!up || name === 'gateway') {
      const why = up ? 'the gateway is the way in' : 'during start-up';
      console.error(`${prefix} exited (${how}) ${why}; stopping the cluster`);
      stop(1);
      return;
    }
    console.error(
      `${prefix} exited (${how}); the others go on. Start it again, in another terminal, with:\n` +
        `  ${restartCommand(app, env)}`,
    );
  });
  children.push({ name, child });
}

/** The process id of the child started as `name`. */
function pidOf(name) {
  return children.find((c) => c.name === name)?.child.pid;
}

/** The command line that starts one of the children again, with the settings this script gave it. */
function restartCommand(app, env) {
  const vars = { RINGCACHE_CONFIG: configFile, ...membershipEnv, ...env };
  const assignments = Object.entries(vars).map(([key, value]) => `${key}=${value}`);
  return [...assignments, 'node', join(root, 'dist/apps', app, 'main.js')].join(' ');
}

for (const node of nodes) {
  start(node.name, 'cache-node', {
    RINGCACHE_NODE_NAME: node.name,
    RINGCACHE_NODE_GRPC_PORT: String(portOf(node.grpc)),
    RINGCACHE_NODE_HTTP_PORT: String(portOf(node.http)),
  });
}
start('gateway', 'gateway', { RINGCACHE_GATEWAY_PORT: String(gatewayPort) });
if (withTtlWorker) {
  start('ttl-worker', 'ttl-worker', { RINGCACHE_TTL_WORKER_PORT: String(ttlWorkerPort) });
  start('ttl-worker2', 'ttl-worker', { RINGCACHE_TTL_WORKER_PORT: String(standbyPort) });
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await etcd?.stop();
  console.log('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
// If this script dies of an error, take the children with it.
process.on('exit', () => {
  for (const { child } of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function ready(url) {
  for (let i = 0; i < 600 && !stopping; i++) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!stopping) {
    console.error(`${url} did not become ready in 60 s`);
    await stop(1);
  }
}
await Promise.all([
  ...nodes.map((n) => ready(`http://${n.http}/readyz`)),
  ready(`http://127.0.0.1:${gatewayPort}/readyz`),
  ...(withTtlWorker
    ? [ready(`http://127.0.0.1:${ttlWorkerPort}/readyz`), ready(`http://127.0.0.1:${standbyPort}/readyz`)]
    : []),
]);
if (stopping) await new Promise(() => undefined);
up = true;

const gateway = `http://127.0.0.1:${gatewayPort}`;
const database =
  process.env.RINGCACHE_MYSQL_URL || config.mysql?.url
    ? 'MySQL'
    : `SQLite (${config.sqlite?.path ?? 'data/ringcache.sqlite'})`;
const membership = etcdEndpoints
  ? `registered in etcd at ${etcdEndpoints}${etcd ? ' (started for this run)' : ''}`
  : "static membership from the config (no etcd: install Debian's etcd-server, or set RINGCACHE_ETCD_ENDPOINTS)";
console.log(`
ringcache is up: ${nodes.length} cache nodes, ${membership}, ${database}.

  gateway     ${gateway}
${nodes.map((n) => `  ${n.name.padEnd(11)} gRPC ${n.grpc}, HTTP http://${n.http}, pid ${pidOf(n.name)}`).join('\n')}${
  withTtlWorker
    ? `\n  ttl-workers http://127.0.0.1:${ttlWorkerPort} and :${standbyPort} (one leads, one stands by; they drop entries with a TTL from every node on time)`
    : '\n  (no ttl-worker: it needs etcd; entries with a TTL expire when read)'
}

Try:
  curl ${gateway}/api/v1/groups/scores/keys/Tom        # 630, loaded once from the database
  curl ${gateway}/api?key=Jack                          # the original front path
  curl -i ${gateway}/api/v1/groups/scores/keys/Nobody   # 404, and cached briefly
  curl ${gateway}/api/v1/cluster                        # members and ring version
  npx ringcache set scores greeting hi --ttl 5s           # the command line (npx ringcache --help)
  curl -s http://${nodes[0].http}/metrics | grep ringcache_gets_total${
    etcdEndpoints
      ? `\n  ETCDCTL_API=3 etcdctl --endpoints=${etcdEndpoints.split(',')[0]} get --prefix ringcache/ --keys-only`
      : ''
  }

A cache node that dies is reported and the others go on: try \`kill -9 ${pidOf(nodes[1]?.name ?? nodes[0].name)}\` (${nodes[1]?.name ?? nodes[0].name}) and watch the ring
change here, in ${gateway}/api/v1/cluster and on ${gateway}/dashboard. Ctrl-C stops everything.
`);
// From here on, every change of the ring (a node dying, or started again) is printed as it happens.
const stopWatch = watchRing(gateway, (line) => console.log(`[ring]     ${line}`));
process.on('exit', stopWatch);
