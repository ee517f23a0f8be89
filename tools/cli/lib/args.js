'use strict';

const { parseArgs } = require('node:util');

const { usage } = require('./cli-error');

/** Every option of every command; a command ignores the ones it has no use for. */
const OPTIONS = {
  gateway: { type: 'string' },
  etcd: { type: 'string' },
  cluster: { type: 'string' },
  'api-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  timeout: { type: 'string' },
  ttl: { type: 'string' },
  limit: { type: 'string' },
  count: { type: 'string' },
  interval: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** The arguments each command takes: fixed names, and whether more may follow (mget's keys). */
const COMMANDS = {
  get: { args: ['group', 'key'] },
  set: { args: ['group', 'key', 'value'] },
  del: { args: ['group', 'key'] },
  mget: { args: ['group', 'key'], more: true },
  flush: { args: ['group'] },
  cluster: { args: [] },
  stats: { args: [] },
  hot: { args: ['group'] },
  watch: { args: [] },
};

/** Commands that go through the SDK when given --etcd; the others need the gateway. */
const SDK_COMMANDS = new Set(['get', 'set', 'del', 'mget']);

const DEFAULT_GATEWAY = 'http://127.0.0.1:9999';

/**
 * The command line, checked: `{ command, args, keys, options }` with options' defaults applied. Throws a
 * usage CliError naming the problem; `{ help: true }` when help was asked for or no command was given.
 */
function parseCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage(error.message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { help: true, command: rest[0] };
  const spec = COMMANDS[command];
  if (!spec) throw usage(`unknown command ${JSON.stringify(command)} (try --help)`);
  const named = spec.args;
  if (rest.length < named.length || (!spec.more && rest.length > named.length)) {
    const shape = [...named.map((n) => `<${n}>`), ...(spec.more ? ['[key...]'] : [])].join(' ');
    throw usage(`usage: ringcache ${command} ${shape}`.trimEnd());
  }
  if (values.etcd !== undefined && values.gateway !== undefined)
    throw usage('give --gateway or --etcd, not both');
  if (values.etcd !== undefined && !SDK_COMMANDS.has(command))
    throw usage(`${command} needs the gateway: --etcd serves get, set, del and mget only`);
  const options = {
    gateway: values.gateway ?? DEFAULT_GATEWAY,
    etcd: values.etcd,
    cluster: values.cluster,
    apiKey: values['api-key'],
    tls: tlsFiles(values),
    timeoutMs: durationMs('--timeout', values.timeout ?? '10s'),
    ttl: values.ttl,
    limit: values.limit === undefined ? undefined : positiveInt('--limit', values.limit),
    count: values.count === undefined ? undefined : positiveInt('--count', values.count),
    intervalMs: durationMs('--interval', values.interval ?? '1s'),
    json: values.json ?? false,
  };
  if (!/^https?:\/\/[^/]+\/?$/.test(options.gateway))
    throw usage(`--gateway must be http(s)://host:port, got ${JSON.stringify(options.gateway)}`);
  if (options.tls && values.etcd === undefined && !options.gateway.startsWith('https:'))
    throw usage('--tls-ca, --tls-cert and --tls-key need an https:// --gateway');
  return { command, args: rest.slice(0, named.length), keys: rest.slice(named.length - 1), options };
}

/** The --tls-* files, or undefined; a client certificate needs its key and the other way round. */
function tlsFiles(values) {
  const [ca, cert, key] = [values['tls-ca'], values['tls-cert'], values['tls-key']];
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  if ((cert === undefined) !== (key === undefined)) throw usage('--tls-cert and --tls-key go together');
  return { ca, cert, key };
}

function positiveInt(option, text) {
  if (!/^[1-9]\d{0,8}$/.test(text))
    throw usage(`${option} must be a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

const UNITS = { ms: 1, s: 1000, m: 60_000 };

/** `500ms`, `2s`, `1m` (or a number of ms) in milliseconds. */
function durationMs(option, text) {
  const match = /^(\d{1,7})(ms|s|m)?$/.exec(text);
  if (!match || Number(match[1]) === 0)
    throw usage(`${option} must be a duration such as 500ms, 2s or 1m, got ${JSON.stringify(text)}`);
  return Number(match[1]) * UNITS[match[2] ?? 'ms'];
}

module.exports = { COMMANDS, DEFAULT_GATEWAY, parseCommandLine };
