'use strict';

const { EXIT } = require('./cli-error');
const { nodesLine } = require('./commands');
const { bytes, percent, rate, table } = require('./format');

/**
 * `watch`: live statistics like `redis-cli --stat`. Reads `/api/v1/groups` every interval and prints, per
 * group, the rates since the previous reading (gets/s, hit ratio of those gets, loads/s) and the bytes and
 * items held now. The first reading is the baseline; `--count N` stops after N lines of rates.
 */
async function watch({ options, gateway, out }) {
  let previous = await reading(gateway);
  let printed = 0;
  let header = !options.json;
  while (options.count === undefined || printed < options.count) {
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    const current = await reading(gateway);
    const seconds = (current.at - previous.at) / 1000;
    const rows = current.answer.groups.map((g) => ratesOf(g, previous.byName.get(g.name), seconds));
    if (options.json) {
      out.json({ time: new Date(current.at).toISOString(), groups: rows, nodes: current.answer.nodes });
    } else {
      const time = new Date(current.at).toISOString().slice(11, 19);
      const lines = table(
        ['TIME', 'GROUP', 'GETS/S', 'HIT%', 'LOADS/S', 'BYTES', 'ITEMS'],
        rows.map((r) => [
          time,
          r.group,
          rate(r.getsPerSecond),
          r.hitRatio === null ? '-' : percent(r.hitRatio, 1),
          rate(r.loadsPerSecond),
          bytes(r.bytes),
          r.items,
        ]),
      ).split('\n');
      // The header once, as redis-cli --stat does; a failed node is worth a line each time.
      out.line((header ? lines : lines.slice(1)).join('\n'));
      if (current.answer.nodes.failed.length) out.line(nodesLine(current.answer.nodes));
      header = false;
    }
    previous = current;
    printed++;
  }
  return EXIT.ok;
}

async function reading(gateway) {
  const answer = await gateway.json('GET', '/api/v1/groups');
  return { at: Date.now(), answer, byName: new Map(answer.groups.map((g) => [g.name, g])) };
}

/** One group's rates between two readings; a group first seen now counts from zero. */
function ratesOf(now, before, seconds) {
  const loads = (g) => (g ? g.loads.ok + g.loads.not_found + g.loads.error : 0);
  // Counters restart with a node: a negative difference means a restart, not negative traffic.
  const delta = (a, b) => Math.max(0, a - b);
  const gets = delta(now.gets.total, before ? before.gets.total : 0);
  const hits = delta(now.gets.hits, before ? before.gets.hits : 0);
  return {
    group: now.name,
    getsPerSecond: gets / seconds,
    hitRatio: gets > 0 ? hits / gets : null,
    loadsPerSecond: delta(loads(now), loads(before)) / seconds,
    bytes: now.bytes,
    items: now.items,
  };
}

module.exports = { watch };
