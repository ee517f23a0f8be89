import { ENTRY_OVERHEAD_BYTES } from '@ringcache/cache-core';

import { MAX_WARMING_PASSES } from '../data/keys';
import { SLOW_PROBE_RATIO } from '../env/cpu-probe';
import { libsTable } from '../libs.bench';
import { SETTLED_WITHIN } from '../scenarios/cold-passes';
import { TURN_MS } from '../scenarios/paired';
import type { BenchReport } from './bench-report';
import { expiryTable, membershipTable, ringRebuildTable } from './cluster-behaviour-table';
import { hopTable } from './hop-table';
import { coldFillTable, httpTable } from './http-table';
import { hungNodeTable } from './hung-node-table';
import { memoryTable } from './memory-table';
import { stalenessTable } from './staleness-table';
import { writesTable } from './writes-table';
import { stampedeTable } from './stampede-table';

/** A section: its heading and body, or nothing when the run has no rows for it. */
function section(heading: string, body: string | undefined, ...after: string[]): string[] {
  return body ? [heading, '', body, '', ...after.flatMap((line) => [line, ''])] : [];
}

/** The whole report as Markdown: the conditions of the run first, then one table per scenario run. */
export function markdownReport(report: BenchReport): string {
  const { machine, settings } = report;
  return [
    `# ringcache benchmarks: all${report.quick ? ' (quick)' : ''} — ${report.startedAt}`,
    '',
    `- machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, ${machine.platform}, ` +
      `load average at start ${machine.loadAverage.join(' / ')}, at end ${report.loadAverageAtEnd.join(' / ')}`,
    `- pinning: ${report.pinning.note}`,
    ...(report.cpuProbe
      ? [
          `- CPU probe (a fixed JSON parse on the server core, before and after each row): fastest ` +
            `${report.cpuProbe.fastestMs} ms, slowest ${report.cpuProbe.slowestMs} ms; a row whose probe ` +
            `took over ${SLOW_PROBE_RATIO}× the fastest says so in its notes`,
        ]
      : []),
    `- load: autocannon, ${settings.connections} connections, ${settings.warmupSec} s warm-up + ` +
      `${settings.durationSec} s measured per row, 1 KiB values; (a) = bare node:http, (b) = Redis front ` +
      'with the same key pattern; (c) = golang/groupcache, 3 peers; ratios are of req/s',
    `- targets: each row with a warm-rate target is then measured in ${settings.pairedRuns} runs interleaved ` +
      `with its baseline's front (kept running): each gets ${settings.pairedRunSec} s of load, in turns of ` +
      `${TURN_MS / 1000} s, the other load paused, so both see the server core at the same moments; the ` +
      'target is checked on the median of the runs, printed with their range and the ratio of the two rows ' +
      'above (own run). ' +
      'Moonshots and cold targets use the rows alone',
    '',
    ...section(
      '## The peer hop: CPU per call, client and node',
      report.hop.length ? hopTable(report.hop) : undefined,
      'This process calls one cache node (its own process, on the server cores too) over each transport, the ' +
        'node answering from its cache; each call has made its hop, so the node answers it itself, as an owner ' +
        'answers a gateway. client µs: CPU of this whole process per call; node µs: of the node. × before: the ' +
        'same call over the way the transport used before (a unary gRPC call, an HTTP/1.1 request each).',
    ),
    ...section(
      '## HTTP fronts',
      report.http.length ? httpTable(report.http) : undefined,
      'CPU srv / gen: CPU of the processes we started for the row (gateway + nodes, the baseline server, or ' +
        'the groupcache peers; not redis-server), then of the load generator, in % of one core over the ' +
        'measured part.',
    ),
    ...section(
      `## Cold passes: every key once, ${settings.connections} at a time, each a database read`,
      coldFillTable(report.http) || undefined,
      `Each front first answers passes of ${settings.keys.toLocaleString('en-US')} other keys until its rate ` +
        `settles (within ${SETTLED_WITHIN * 100}% of the pass before, at most ${MAX_WARMING_PASSES} passes: ` +
        'warming passes), the first on its fresh processes (fresh processes), then the rows’ ' +
        `${settings.keys.toLocaleString('en-US')} keys (keys/s): the cold targets compare that last pass, the ` +
        'path of a cold key in a front that has been up a while, not how long each front’s code takes to warm up.',
    ),
    ...section(
      '## Writes: 1 KiB values, 10,000 keys uniform, 64 connections',
      report.writes.length ? writesTable(report.writes) : undefined,
      '× Redis: against the Redis front’s `SET EX` (stores) or `DEL` (deletes) of the same run; a batch row ' +
        'counts entries. The rows start 11 s after the cluster is up: for 10 s after a ring change (a start ' +
        'is one) every write also fans out to every node, a transient that costs several times more per write.',
    ),
    ...section(
      '## Near-cache staleness: how long another reader served the old value after a write returned',
      report.staleness.length ? stalenessTable(report.staleness) : undefined,
      'Loopback, 3 nodes (HTTP peers); each write is a PUT through gateway A, then the reader is polled until ' +
        'it answers the new value. Staleness: from the PUT’s answer to the start of the first read that saw the ' +
        'new value (a read started before then could still get the old one). Until answered: to the end of that ' +
        'read, so it adds the read’s own latency. Own-write misses: reads through gateway A, right after its ' +
        'write returned, that answered the old value (must be 0).',
    ),
    ...section(
      `## Cold stampede: ${settings.stampede.toLocaleString('en-US')} concurrent requests for one cold key`,
      report.stampede.length ? stampedeTable(report.stampede) : undefined,
    ),
    ...section(
      '## Memory: one node filled past its byte budget, twice',
      report.memory.length ? memoryTable(report.memory) : undefined,
      `RSS / entry: RSS growth per cached entry, against what the budget counts per entry (key + value + ` +
        `${ENTRY_OVERHEAD_BYTES} B of overhead). Targets: RSS growth ≤ 1.3× the budget at 1 GiB (moonshot 1.1×), ` +
        '≤ 1.5× at 256 MiB, with 1 KiB values.',
    ),
    ...section(
      '## Membership: a node leaves (3 nodes + gateway on one etcd member)',
      report.membership.length ? membershipTable(report.membership) : undefined,
    ),
    ...section(
      '## Ring rebuild on a membership change',
      report.rings.length ? ringRebuildTable(report.rings) : undefined,
    ),
    ...section(
      '## Active expiry (3 nodes, 2 ttl-workers, one etcd member)',
      report.expiry && expiryTable(report.expiry),
      "Lateness is removal time − expiry time from the nodes' `ringcache_expiry_lateness_seconds` histogram, " +
        'so percentiles are bucket bounds.',
    ),
    ...section(
      '## A hung node: one of 3 nodes SIGSTOPped for 10 s under load (gRPC peers, gateway near cache off)',
      report.hung.length ? hungNodeTable(report.hung) : undefined,
      'Closed loops read only the stopped node’s keys through the gateway. Targets (issue 15): a read in ' +
        'flight at SIGSTOP or started in the first second after it takes at most ' +
        'peers.deadlineMs + 1 s (4,000 ms); from 1 s after SIGSTOP to SIGCONT the p99 is ≤ 50 ms, outlier ' +
        'detection sending reads to the next owner.',
    ),
    ...section('## Libraries', report.libs.length ? libsTable(report.libs) : undefined),
    `wall time ${report.wallSec} s`,
  ].join('\n');
}
