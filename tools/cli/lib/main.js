'use strict';

const { parseCommandLine, DEFAULT_GATEWAY } = require('./args');
const { CliError, EXIT } = require('./cli-error');
const { commands } = require('./commands');
const { GatewayClient } = require('./gateway-client');
const { GatewayKeys } = require('./gateway-keys');
const { watch } = require('./watch');

const HELP = `ringcache — the command line of a ringcache cluster

Usage: ringcache <command> [arguments] [options]

Commands:
  get <group> <key>                  print the value (exit 1 when not found)
  set <group> <key> <value> [--ttl 30s]
                                     store a value (<value> "-" reads it from stdin)
  del <group> <key>                  drop a key cluster-wide
  mget <group> <key...>              many keys, one call per owner
  flush <group>                      drop a whole group cluster-wide
  cluster                            the gateway's nodes and ring version
  stats                              every group's counters, summed over the nodes
  hot <group> [--limit 10]           the group's hottest keys lately
  watch [--interval 1s] [--count N]  live gets/s, hit ratio, loads/s and bytes per group

Options:
  --gateway URL      the gateway (default ${DEFAULT_GATEWAY})
  --etcd URL[,URL]   find the nodes in etcd and call them through the SDK (get, set, del, mget)
  --cluster NAME     the cluster's name in etcd, with --etcd (default ringcache)
  --api-key KEY      sent as "Authorization: Bearer KEY"
  --tls-ca FILE      CA of an https gateway (with --etcd: of the nodes' mutual TLS)
  --tls-cert FILE    client certificate, with --tls-key
  --tls-key FILE     client key
  --timeout 10s      longest wait for an answer
  --json             JSON instead of text
  -h, --help         this help

Exit codes:
  0  done
  1  not found (get)
  2  bad usage: unknown command or option, bad argument or TTL, unknown group,
     an API key that is missing (401) or lacks the scope (403),
     or a gateway certificate that --tls-ca does not vouch for
  3  unavailable: connection refused, timeout, 5xx, or 429 rate limited
`;

/** Writes to stdout and stderr; `json` prints one JSON document per line. */
const out = {
  line: (text) => process.stdout.write(`${text}\n`),
  raw: (buffer) => process.stdout.write(buffer),
  json: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

/** Runs one command line; resolves with the exit code. Never throws. */
async function main(argv) {
  let closeable;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.help) {
      out.line(HELP.trimEnd());
      return EXIT.ok;
    }
    const { command, args, keys, options } = parsed;
    let keysApi;
    let gateway;
    if (options.etcd !== undefined) {
      const { SdkClient } = require('./sdk-client');
      keysApi = closeable = new SdkClient(options);
    } else {
      gateway = closeable = new GatewayClient(options);
      keysApi = new GatewayKeys(gateway);
    }
    const run = command === 'watch' ? watch : commands[command];
    return await run({ args, keys, options, keysApi, gateway, out });
  } catch (error) {
    if (error instanceof CliError) {
      out.error(`ringcache: ${error.message}`);
      return error.exitCode;
    }
    out.error(`ringcache: unexpected error: ${error && error.stack}`);
    return EXIT.unavailable;
  } finally {
    await closeable?.close();
  }
}

module.exports = { main };
