import { Agent, get } from 'node:http';

import { KeyOwners, sleep, type NodeHandle, type TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { BENCH_GROUP, KEY_PATH_PREFIX, keyName } from '../data/keys';
import { onInterrupt } from '../env/cleanup';
import { failureNote } from '../report/failure';
import { startBenchCluster } from './bench-cluster';
import { hungFigures, type HungFigures, type HungSample } from './hung-node-figures';

/** Reads of a SIGSTOPped node's keys through the gateway, while it is stopped (issue 15). */
export interface HungRow {
  victim: string;
  keys: number;
  connections: number;
  stopSec: number;
  figures?: HungFigures;
  status: 'measured' | 'failed';
  notes: string[];
}

const KEYS = 300;
const CONNECTIONS = 16;
const STEADY_BEFORE_MS = 2_000;
const STOP_MS = 10_000;
const AFTER_MS = 2_000;
/** Longer than any read should take, so a loop never waits forever on a hung socket. */
const CLIENT_TIMEOUT_MS = 15_000;

/** One GET on `agent`; resolves with the status, 0 when there was no answer. */
function read(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = get(url, { agent, timeout: CLIENT_TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    request.on('timeout', () => request.destroy(new Error('client timeout')));
    request.on('error', () => resolve(0));
  });
}

/**
 * On 3 nodes (gRPC peers) and a gateway without a near cache: {@link CONNECTIONS} closed loops read the
 * victim's keys through the gateway; after 2 s the victim gets SIGSTOP for 10 s, then SIGCONT, then 2 s
 * more. The gateway must give up on the victim after peers.deadlineMs and, once outlier detection marks it,
 * go to the next owner at once.
 */
export async function hungNodeRow(context: BenchContext): Promise<HungRow> {
  const victimName = 'node2';
  const row: HungRow = {
    victim: victimName,
    keys: KEYS,
    connections: CONNECTIONS,
    stopSec: STOP_MS / 1000,
    status: 'measured',
    notes: [],
  };
  context.progress('hung: starting a 3-node cluster (gRPC peers)');
  let cluster: TestCluster | undefined;
  let victim: NodeHandle | undefined;
  // SIGCONT before any stop: a stopped process would not act on the SIGTERM that stops the cluster.
  const continueVictim = () => {
    if (victim?.process.alive) victim.process.signal('SIGCONT');
  };
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    cluster = await startBenchCluster(context, { transport: 'grpc' });
    const gateway = cluster.gateway;
    if (!gateway) throw new Error('the cluster has no gateway');
    victim = cluster.node(victimName);
    const unregister = onInterrupt(continueVictim);
    const owners = new KeyOwners(cluster.nodes.map((n) => n.name));
    const candidates = Array.from({ length: context.settings.keys }, (_, i) => keyName(i));
    const urls = owners
      .keysOf(victimName, BENCH_GROUP, candidates, KEYS)
      .map((key) => `${gateway.url}${KEY_PATH_PREFIX}${key}`);
    for (const url of urls) {
      const status = await read(agent, url);
      if (status !== 200) throw new Error(`warming ${url} answered ${status || 'nothing'}`);
    }

    context.progress(`hung: ${CONNECTIONS} loops; SIGSTOP ${victimName} for ${STOP_MS / 1000} s after 2 s`);
    const samples: HungSample[] = [];
    const began = performance.now();
    let running = true;
    let next = 0;
    const loop = async () => {
      while (running) {
        const url = urls[next++ % urls.length];
        const start = performance.now();
        const status = await read(agent, url);
        samples.push({ startMs: start - began, latencyMs: performance.now() - start, status });
      }
    };
    const loops = Array.from({ length: CONNECTIONS }, loop);
    await sleep(STEADY_BEFORE_MS);
    const stopAt = performance.now() - began;
    victim.process.signal('SIGSTOP');
    try {
      await sleep(STOP_MS);
    } finally {
      continueVictim();
    }
    const contAt = performance.now() - began;
    await sleep(AFTER_MS);
    running = false;
    await Promise.all(loops);
    unregister();
    row.figures = hungFigures(samples, stopAt, contAt);
  } catch (error) {
    row.status = 'failed';
    row.notes.push(failureNote(error));
  } finally {
    continueVictim();
    agent.destroy();
    await cluster?.stop();
  }
  return row;
}
