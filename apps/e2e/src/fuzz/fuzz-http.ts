import { Agent, request as httpRequest } from 'node:http';

import { rssBytes, type FuzzRandom, type TestCluster } from '@ringcache/testing';

/** One fuzzed HTTP request; `targets` are the cache keys (`group/key`) it writes if accepted. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send Content-Length this many bytes short of the body (the rest arrives as garbage), on a fresh socket. */
  shortLength?: number;
  targets: string[];
  /** A write that, if accepted, may touch every key of these groups (a flush). */
  flushes?: string[];
}

/** What came back: a status, or the client-side error when none did. */
export interface FuzzAnswer {
  status?: number;
  body: string;
  error?: string;
}

/** Tallies of a fuzz run. */
export interface FuzzTally {
  sent: number;
  byStatus: Map<number, number>;
  /** Requests node:http refused to send (an invalid header, say); they never reached the server. */
  unsent: number;
  /** Requests that got no answer (socket reset); fine for a short Content-Length, suspicious otherwise. */
  noAnswer: string[];
  /** Every answer of 500 or above, except the 501 of a method the protocol does not implement. */
  serverErrors: string[];
  /**
   * `group/key`s that an accepted (2xx) write, or a write that got no answer, targeted; groups that such a
   * flush targeted.
   */
  touched: Set<string>;
  flushed: Set<string>;
}

/** A keep-alive agent of a few sockets, as a client with modest concurrency has. */
export function fuzzAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 8 });
}

/** Sends one request over `agent` (or a fresh socket: `fresh`, or a short Content-Length); never rejects. */
export function send(agent: Agent, base: string, req: FuzzRequest, fresh = false): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const headers = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.length - (req.shortLength ?? 0));
    let outgoing;
    try {
      outgoing = httpRequest(`${base}${req.path}`, {
        method: req.method,
        headers,
        agent: req.shortLength || fresh ? false : agent,
        timeout: 15_000,
      });
    } catch (error) {
      resolve({ body: '', error: `unsent: ${(error as Error).message}` });
      return;
    }
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', (error) => resolve({ body: '', error: error.message }));
    // A short Content-Length makes node:http refuse to write the rest: send it raw on the socket.
    const { body, shortLength } = req;
    if (shortLength && body) {
      outgoing.on('socket', (socket) =>
        socket.once('connect', () => socket.write(body.subarray(-shortLength))),
      );
      outgoing.end(body.subarray(0, body.length - shortLength));
    } else outgoing.end(req.body);
  });
}

/** Describes a request so a failure can be reproduced by hand. */
export function describeRequest(req: FuzzRequest, answer: FuzzAnswer): string {
  const body = req.body
    ? ` body(${req.body.length})=${JSON.stringify(req.body.subarray(0, 200).toString('latin1'))}`
    : '';
  return `${req.method} ${req.path} headers=${JSON.stringify(req.headers).slice(0, 300)}${body} → ${answer.status ?? answer.error} ${answer.body.slice(0, 300)}`;
}

/** Sends `count` requests made by `make`, `concurrency` at a time, and tallies what came back. */
export async function fuzz(
  base: string,
  count: number,
  make: (random: FuzzRandom) => FuzzRequest,
  random: FuzzRandom,
  concurrency = 8,
): Promise<FuzzTally> {
  const tally: FuzzTally = {
    sent: 0,
    byStatus: new Map(),
    unsent: 0,
    noAnswer: [],
    serverErrors: [],
    touched: new Set(),
    flushed: new Set(),
  };
  const agent = fuzzAgent();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      // Made in order of sending, so one seed always gives the same requests.
      const req = make(random);
      let answer = await send(agent, base, req);
      // A kept-alive socket the server closed as it was reused: not the request's fault; send it again alone.
      if (answer.status === undefined && !answer.error?.startsWith('unsent:'))
        answer = await send(agent, base, req, true);
      if (answer.error?.startsWith('unsent:')) {
        tally.unsent++;
        continue;
      }
      tally.sent++;
      if (answer.status === undefined) {
        // Whether a request without an answer was carried out is unknown: its targets may have changed.
        mayHaveChanged(tally, req);
        // A body over the servers' 1 MiB limit may be cut off by the server's early answer (413) and
        // connection close while it is still being written: a refusal, not a lost request.
        const refusedBody =
          (req.body?.length ?? 0) > 1024 * 1024 && /EPIPE|ECONNRESET/.test(answer.error ?? '');
        if (!req.shortLength && !refusedBody) tally.noAnswer.push(describeRequest(req, answer));
        continue;
      }
      tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500 && answer.status !== 501)
        tally.serverErrors.push(describeRequest(req, answer));
      if (answer.status < 300) mayHaveChanged(tally, req);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return tally;
}

/** Counts the keys and groups `req` writes or flushes as possibly changed. */
function mayHaveChanged(tally: FuzzTally, req: FuzzRequest): void {
  for (const target of req.targets) tally.touched.add(target);
  for (const group of req.flushes ?? []) tally.flushed.add(group);
}

/** Every live process of the cluster with its pid, for RSS readings. */
export function clusterPids(cluster: TestCluster): [string, number | undefined][] {
  const all = [...cluster.nodes.map((n) => [n.name, n.process] as const)];
  if (cluster.gateway) all.push(['gateway', cluster.gateway.process]);
  return all.map(([name, p]) => [name, p.child.pid]);
}

/** RSS of each process in MiB, by name. */
export function rssMiB(cluster: TestCluster): Map<string, number> {
  return new Map(clusterPids(cluster).map(([name, pid]) => [name, (rssBytes(pid) ?? NaN) / 1024 / 1024]));
}

/** A one-line summary of a tally, for the test log. */
export function summary(label: string, tally: FuzzTally, ms: number): string {
  const statuses = [...tally.byStatus]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  return `${label}: ${tally.sent} sent (${tally.unsent} refused by node:http) in ${ms} ms — ${statuses}; no answer ${tally.noAnswer.length}`;
}
