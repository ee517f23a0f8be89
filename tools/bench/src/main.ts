import { parseArgs } from 'node:util';

import { benchSettings } from './bench-context';
import { runAllSuite, SCENARIOS } from './suites/all.suite';
import { nearBytesOf, runClusterSuite } from './suites/cluster.suite';
import { runLibsSuite } from './suites/libs.suite';

/**
 * `node dist/tools/bench/main.js <suite> [--quick] [--out dir] [--only a,b]`: `libs` prints the libraries
 * table; `all` runs every scenario against its baselines (see README, "Benchmarks"), or only those named;
 * `cluster [--transport grpc|http] [--near off|small|on|bytes] [--etcd]` starts a row's cluster and keeps
 * it up, for a load and a profile of one's own.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
      only: { type: 'string' },
      transport: { type: 'string', default: 'grpc' },
      near: { type: 'string' },
      etcd: { type: 'boolean', default: false },
    },
  });
  const suite = positionals[0] ?? 'libs';
  if (suite === 'libs') return runLibsSuite(values.quick, values.out);
  if (suite === 'all') {
    const only = values.only === undefined ? undefined : new Set(values.only.split(','));
    for (const name of only ?? []) {
      if (!(SCENARIOS as readonly string[]).includes(name))
        throw new Error(`unknown scenario ${name} in --only: expected some of ${SCENARIOS.join(', ')}`);
    }
    const ok = await runAllSuite(values.quick, values.out, only);
    if (!ok) process.exitCode = 1;
    return;
  }
  if (suite === 'cluster') {
    const transport = values.transport;
    if (transport !== 'grpc' && transport !== 'http')
      throw new Error(`--transport must be grpc or http, got ${JSON.stringify(transport)}`);
    const { keys } = benchSettings(false);
    return runClusterSuite({ transport, nearBytes: nearBytesOf(values.near), etcd: values.etcd, keys });
  }
  throw new Error(`unknown suite ${suite}: expected libs, all or cluster`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
