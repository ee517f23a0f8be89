import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Invalidation } from '@ringcache/cache-core';
import { eventually, FuzzRandom } from '@ringcache/testing';

import { InvalidationStream, parseStreamLine, type StreamState } from './invalidation-stream';

/** What one connection of the fake node sends, and what the reader must make of it. */
interface Script {
  chunks: Buffer[];
  /** The events before the first garbage line (and not in an unfinished last line): all that may apply. */
  expected: Invalidation[];
  /** The stream said hello before any garbage, so it was rightly connected once. */
  connects: boolean;
  /** It sent garbage: the reader must hang up, so the fake node keeps the connection open until it does. */
  poisoned: boolean;
}

/** A line that is not a valid stream message. */
function garbage(random: FuzzRandom): string {
  return random.oneOf([
    () => '{"kind":"key","group":"g"',
    () => random.pick(['null', '[]', '5', '"key"', 'true', '{}', '{"kind":5}']),
    () => JSON.stringify({ kind: 'key', group: random.pick([1, null, ['g']]), key: 'k' }),
    () => JSON.stringify({ kind: 'key', group: 'g' }),
    () => JSON.stringify({ kind: 'flush', group: 'g', generation: random.pick(['7', 1.5, null, 2 ** 60]) }),
    () =>
      random
        .bytes(random.int(1, 200))
        .toString('latin1')
        .replace(/[\n"{}]/g, 'x'),
    () => 'x'.repeat(random.pick([70_000, 200_000])),
  ]);
}

function event(random: FuzzRandom): Invalidation {
  return random.chance(0.7)
    ? { kind: 'key', group: random.unicode(random.int(1, 8)), key: random.unicode(random.int(0, 20)) }
    : { kind: 'flush', group: random.string(random.int(1, 8)), generation: random.int(0, 1e9) };
}

function script(random: FuzzRandom): Script {
  const lines: string[] = [];
  const expected: Invalidation[] = [];
  let poisoned = false;
  let connects = false;
  const say = (line: string, applies?: Invalidation) => {
    lines.push(line);
    if (applies && !poisoned) expected.push(applies);
  };
  if (random.chance(0.95)) {
    say('{"kind":"hello"}');
    connects = true;
  } else poisoned = true;
  for (let i = random.int(0, 10); i > 0; i--) {
    if (random.chance(0.15)) {
      say(garbage(random));
      poisoned = true;
    } else if (random.chance(0.2))
      say(random.pick(['{"kind":"ping"}', '{"kind":"hello"}', '{"kind":"future","x":1}', '']));
    else {
      const e = event(random);
      say(JSON.stringify(e), e);
    }
  }
  let text = lines.map((l) => `${l}\n`).join('');
  if (!connects) text = `${garbage(random)}\n${text}`;
  // An unfinished last line is never applied: the connection ends (or is dropped) before its newline.
  if (random.chance(0.3)) text += JSON.stringify(event(random)).slice(0, random.int(0, 30));
  const bytes = Buffer.from(text);
  const cuts = Array.from({ length: random.int(0, 6) }, () => random.int(0, bytes.length)).sort(
    (a, b) => a - b,
  );
  const chunks = [...cuts, bytes.length].map((end, i, all) => bytes.subarray(i ? all[i - 1] : 0, end));
  return { chunks, expected, connects, poisoned };
}

/**
 * The invalidation-stream reader against a fake node that sends garbage — broken JSON, wrong shapes, huge
 * and unfinished lines, bytes — amid good events, cut into random chunks. It must never throw, apply only
 * well-formed events sent before the garbage, and never be connected on a stream that sent garbage.
 */
describe('the invalidation stream, fuzzed', () => {
  const random = FuzzRandom.fromEnv('invalidation stream fuzzing');
  const rounds = Math.min(FuzzRandom.count(40), 2_000);
  const scripts = Array.from({ length: rounds }, () => script(random));
  let served = 0;
  let server: Server;
  const open = new Set<ServerResponse>();

  beforeAll(async () => {
    server = createServer(async (_req, res) => {
      const plan = scripts[served++];
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      open.add(res);
      res.on('close', () => open.delete(res));
      if (!plan) return void res.write('{"kind":"hello"}\n');
      for (const chunk of plan.chunks) {
        res.write(chunk);
        if (random.chance(0.5)) await new Promise((resolve) => setImmediate(resolve));
      }
      if (!plan.poisoned) res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const res of open) res.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('parses only well-formed lines, never throwing', () => {
    for (let i = 0; i < 2_000; i++) {
      const line = random.oneOf([
        () => garbage(random),
        () => JSON.stringify(random.json()),
        () => random.unicode(20),
      ]);
      const parsed = parseStreamLine(line);
      if (parsed?.kind === 'key' || parsed?.kind === 'flush') expect(parsed).toEqual(JSON.parse(line));
    }
    expect(parseStreamLine('{"kind":"key","group":"g","key":"k","x":1}')).toEqual({
      kind: 'key',
      group: 'g',
      key: 'k',
    });
    expect(parseStreamLine('null')).toBeUndefined();
  });

  it('reads a key line as JSON.parse does, whatever its strings hold and however it is broken', () => {
    const asJson = (line: string): unknown => {
      try {
        const { kind, group, key } = JSON.parse(line) ?? {};
        return kind === 'key' && typeof group === 'string' && typeof key === 'string'
          ? { kind, group, key }
          : 'not a key';
      } catch {
        return undefined;
      }
    };
    for (let i = 0; i < 5_000; i++) {
      // Plain strings (no escapes: the quick reading) or any (escaped ones go to JSON.parse).
      const text = (length: number) => (random.chance(0.5) ? random.string(length) : random.unicode(length));
      const line = JSON.stringify({ kind: 'key', group: text(6), key: text(10) });
      // Half as written; half with one character put in or swapped: a quote, a backslash, a control
      // character, …
      const at = random.int(0, line.length);
      const odd = random.pick(['"', '\\', '\u0001', '\n', '}', ' ', ',', 'x', '\u00e9']);
      const rest = line.slice(random.chance(0.5) ? at : at + 1);
      const tried = random.chance(0.5) ? line : line.slice(0, at) + odd + rest;
      const expected = asJson(tried);
      const parsed = parseStreamLine(tried);
      if (expected === 'not a key') expect(parsed?.kind).not.toBe('key');
      else expect(parsed).toEqual(expected);
    }
  });

  it('applies only the events before garbage, and is never connected on a stream that sent it', async () => {
    const events: Invalidation[] = [];
    const states: StreamState[] = [];
    const { port } = server.address() as AddressInfo;
    const stream = new InvalidationStream({
      name: 'fake',
      address: `127.0.0.1:${port}`,
      onEvent: (e) => events.push(e),
      onState: (s) => states.push(s),
    });
    stream.start();
    try {
      await eventually('every round served', () => served > rounds && stream.state === 'connected', 60_000);
    } finally {
      stream.stop();
    }
    expect(events).toEqual(scripts.flatMap((s) => s.expected));
    const connected = states.filter((s) => s === 'connected').length;
    expect(connected).toBe(scripts.filter((s) => s.connects).length + 1);
  }, 90_000);
});

describe('the invalidation stream after a garbage line', () => {
  it('neither throws on `null` nor takes a hello or an event that follows garbage in the same chunk', async () => {
    let connections = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200);
      res.write(
        connections++ === 0 ? 'null\n{"kind":"hello"}\n{"kind":"key","group":"g","key":"late"}\n' : '',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const events: Invalidation[] = [];
    const states: StreamState[] = [];
    const stream = new InvalidationStream({
      name: 'fake',
      address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      onEvent: (e) => events.push(e),
      onState: (s) => states.push(s),
    });
    try {
      stream.start();
      await eventually('a second connection', () => connections >= 2);
      expect(events).toEqual([]);
      expect(states).not.toContain('connected');
    } finally {
      stream.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
