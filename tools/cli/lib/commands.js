'use strict';

const { EXIT, usage } = require('./cli-error');
const { bytes, expiry, jsonValue, percent, table } = require('./format');

/**
 * The commands. Each takes `(ctx)` — `{ args, keys, options, keysApi, gateway, out }`, where `keysApi` is
 * a GatewayKeys or SdkClient and `gateway` a GatewayClient (gateway commands only) — prints its answer
 * through `out` and resolves with the exit code.
 */
const commands = {
  async get({ args: [group, key], options, keysApi, out }) {
    const entry = await keysApi.get(group, key);
    if (!entry.found) {
      if (options.json) out.json({ group, key, found: false });
      else out.error(`(not found) ${group}/${key}`);
      return EXIT.notFound;
    }
    if (options.json)
      out.json({ group, key, found: true, ...jsonValue(entry.value), expireAtMs: entry.expireAtMs });
    else out.raw(Buffer.concat([entry.value, Buffer.from('\n')]));
    return EXIT.ok;
  },

  async set({ args: [group, key, value], options, keysApi, out }) {
    const bytes = value === '-' ? await readStdin() : Buffer.from(value, 'utf8');
    const { expireAtMs } = await keysApi.set(group, key, bytes, options.ttl);
    if (options.json) out.json({ group, key, expireAtMs });
    else out.line(`OK, expires ${expiry(expireAtMs)}`);
    return EXIT.ok;
  },

  async del({ args: [group, key], options, keysApi, out }) {
    const { deleted } = await keysApi.del(group, key);
    if (options.json) out.json({ group, key, deleted });
    else out.line(deleted ? 'deleted' : 'deleted (no node held a value)');
    return EXIT.ok;
  },

  async mget({ args: [group], keys, options, keysApi, out }) {
    if (keys.length > 1000) throw usage(`mget takes 1 to 1,000 keys, got ${keys.length}`);
    const results = await keysApi.mget(group, keys);
    if (options.json) {
      out.json({
        group,
        results: results.map((r) =>
          r.found
            ? { key: r.key, found: true, ...jsonValue(r.value), expireAtMs: r.expireAtMs }
            : { key: r.key, found: false },
        ),
      });
    } else {
      const rows = results.map((r) =>
        r.found ? [r.key, r.value.toString('utf8'), expiry(r.expireAtMs)] : [r.key, '(not found)', ''],
      );
      out.line(table(['KEY', 'VALUE', 'EXPIRES'], rows));
    }
    return EXIT.ok;
  },

  async flush({ args: [group], options, gateway, out }) {
    const answer = await gateway.json('DELETE', `/api/v1/groups/${encodeURIComponent(group)}`);
    if (options.json) out.json({ group, ...answer });
    else {
      const missed = answer.unreachable?.length
        ? `; not reached (they apply it later): ${answer.unreachable.join(', ')}`
        : '';
      out.line(
        `flushed ${group}: generation ${answer.generation}, applied by ${answer.nodes} node(s)${missed}`,
      );
    }
    return EXIT.ok;
  },

  async cluster({ options, gateway, out }) {
    const answer = await gateway.json('GET', '/api/v1/cluster');
    if (options.json) {
      out.json(answer);
      return EXIT.ok;
    }
    const { kind, watch } = answer.discovery ?? {};
    out.line(
      `ring ${answer.ringVersion}, ${answer.members.length} node(s), discovery ${kind ?? '?'}${watch ? ` (${watch})` : ''}`,
    );
    if (answer.members.length)
      out.line(
        table(
          ['NAME', 'GRPC', 'HTTP'],
          answer.members.map((m) => [m.name, m.grpcAddress ?? '', m.httpAddress ?? '']),
        ),
      );
    return EXIT.ok;
  },

  async stats({ options, gateway, out }) {
    const answer = await gateway.json('GET', '/api/v1/groups');
    if (options.json) {
      out.json(answer);
      return EXIT.ok;
    }
    const rows = answer.groups.map((g) => [
      g.name,
      g.nodes,
      g.gets.total,
      g.gets.hits,
      percent(g.gets.hits, g.gets.total),
      g.gets.notFound,
      g.loads.ok + g.loads.not_found + g.loads.error,
      g.evictions,
      bytes(g.bytes),
      g.items,
    ]);
    out.line(
      table(
        ['GROUP', 'NODES', 'GETS', 'HITS', 'HIT%', 'NOT-FOUND', 'LOADS', 'EVICTIONS', 'BYTES', 'ITEMS'],
        rows,
      ),
    );
    out.line(nodesLine(answer.nodes));
    return EXIT.ok;
  },

  async hot({ args: [group], options, gateway, out }) {
    const limit = options.limit === undefined ? '' : `?limit=${options.limit}`;
    const answer = await gateway.json('GET', `/api/v1/groups/${encodeURIComponent(group)}/hot${limit}`);
    if (options.json) {
      out.json(answer);
      return EXIT.ok;
    }
    if (answer.keys.length === 0) out.line(`no requests for ${group} lately`);
    else
      out.line(
        table(
          ['KEY', 'REQ/S', 'COUNT'],
          answer.keys.map((k) => [k.key, k.rate.toFixed(2), k.count.toFixed(1)]),
        ),
      );
    out.line(nodesLine(answer.nodes));
    return EXIT.ok;
  },
};

/** Which nodes answered a cluster-wide question. */
function nodesLine(nodes) {
  const failed = nodes.failed.map((f) => `${f.node} (${f.error})`).join(', ');
  return `nodes: ${nodes.answered} of ${nodes.asked} answered${failed ? `; failed: ${failed}` : ''}`;
}

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

module.exports = { commands, nodesLine };
