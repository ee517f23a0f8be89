'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const { CliError, EXIT, unavailable, usage } = require('./cli-error');

const ROOT = resolve(__dirname, '../../..');
/** The SDK as `nx run client:package` builds it (CommonJS). */
const SDK_ENTRY = join(ROOT, 'dist/libs/client/libs/client/src/index.js');

/** The built SDK, building it first (once, with a message on stderr) when dist/ does not have it. */
function loadSdk() {
  if (!existsSync(SDK_ENTRY)) {
    process.stderr.write('ringcache: building the SDK for --etcd (npx nx run client:package), once…\n');
    const nx = join(ROOT, 'node_modules/nx/dist/bin/nx.js');
    const build = spawnSync(process.execPath, [nx, 'run', 'client:package', '--outputStyle=static'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0 || !existsSync(SDK_ENTRY))
      throw new CliError(
        'could not build the SDK: run `npx nx run client:package` to see why',
        EXIT.unavailable,
      );
  }
  return require(SDK_ENTRY);
}

/**
 * get, set, del and mget through @ringcache/client: nodes found in etcd, each call sent straight to the
 * key's owner. Answers have the gateway commands' shapes, so output and exit codes are the same.
 */
class SdkClient {
  /** @param options `{ etcd, cluster, tls, timeoutMs }` from the command line. */
  constructor(options) {
    const { RingcacheClient } = loadSdk();
    const tls = options.tls;
    if (tls && !(tls.ca && tls.cert && tls.key))
      throw usage('with --etcd, mutual TLS to the nodes needs all of --tls-ca, --tls-cert and --tls-key');
    this.timeoutMs = options.timeoutMs;
    this.client = sdkCall(
      () =>
        new RingcacheClient({
          etcd: {
            endpoints: options.etcd.split(','),
            ...(options.cluster ? { cluster: options.cluster } : {}),
          },
          ...(tls ? { tls: { caFile: tls.ca, certFile: tls.cert, keyFile: tls.key } } : {}),
        }),
    );
  }

  async get(group, key) {
    await this.ready();
    const entry = await sdkCallAsync(() => this.client.getEntry(group, key));
    return entry.found ? { found: true, value: entry.value, expireAtMs: entry.expireAtMs } : { found: false };
  }

  async set(group, key, value, ttl) {
    await this.ready();
    return sdkCallAsync(() => this.client.set(group, key, value, ttl ? { ttl } : undefined));
  }

  async del(group, key) {
    await this.ready();
    return { deleted: await sdkCallAsync(() => this.client.delete(group, key)) };
  }

  async mget(group, keys) {
    await this.ready();
    const entries = await sdkCallAsync(() => this.client.getManyEntries(group, keys));
    return entries.map((entry, i) =>
      entry.found
        ? { key: keys[i], found: true, value: entry.value, expireAtMs: entry.expireAtMs }
        : { key: keys[i], found: false },
    );
  }

  ready() {
    return sdkCallAsync(() => this.client.ready(this.timeoutMs));
  }

  close() {
    return this.client.close();
  }
}

/** The CliError for an SDK error: recoverable ones (unavailable, timeouts) exit 3, the rest 2. */
function toCliError(error) {
  if (error instanceof CliError) return error;
  const code = error && error.code ? `${error.code}: ` : '';
  const message = `${code}${error && error.message}`;
  return error && error.recoverable === false ? usage(message) : unavailable(message);
}

function sdkCall(call) {
  try {
    return call();
  } catch (error) {
    throw toCliError(error);
  }
}

async function sdkCallAsync(call) {
  try {
    return await call();
  } catch (error) {
    throw toCliError(error);
  }
}

module.exports = { SdkClient };
