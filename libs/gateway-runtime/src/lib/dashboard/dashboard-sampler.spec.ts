import { EventEmitter } from 'node:events';

import type { Member, NodeStatsResponse } from '@ringcache/cache-core';

import { DashboardSampler, type NodeProbe } from './dashboard-sampler';
import { DashboardStream, type EventSink } from './dashboard-stream';
import { SampleHistory } from './sample-history';

const member = (name: string): Member => ({
  name,
  grpcAddress: `${name}:1`,
  httpAddress: `${name}:2`,
  metadata: { version: '1.2.3', startedAt: '2026-01-01T00:00:00.000Z' },
});

/** A response whose written text is collected instead of sent. */
function capture(): { response: EventSink & { ended: boolean }; text: () => string } {
  const chunks: string[] = [];
  const response = Object.assign(new EventEmitter(), {
    ended: false,
    writableLength: 0,
    writeHead: () => undefined,
    destroy: () => response.emit('close'),
    write: (text: string) => chunks.push(text),
    end: () => {
      response.ended = true;
      response.emit('close');
    },
  });
  return { response, text: () => chunks.join('') };
}

describe('DashboardSampler', () => {
  let members: Member[];
  let generation: number;
  let stream: DashboardStream;
  let sampler: DashboardSampler;
  const probe: NodeProbe = {
    groupStats: async (m): Promise<NodeStatsResponse> => {
      if (m.name === 'down') throw new Error('unreachable');
      const lru = { hits: 0, misses: 0, evictions: 0, expirations: 0, rejections: 0, bytes: 10, items: 1 };
      const gets = { hit: 1, hot: 0, peer: 0, load: 0, stale: 0, not_found: 0, error: 0 };
      const stats = {
        gets,
        loads: { ok: 0, not_found: 0, error: 0 },
        generation,
        maxBytes: 100,
        main: lru,
        hot: lru,
      };
      return { groups: [{ name: 'g', stats: stats as never }] };
    },
  };

  beforeEach(() => {
    members = [member('a'), member('b')];
    generation = 1;
    stream = new DashboardStream();
    let t = 0;
    sampler = new DashboardSampler({
      members: () => members,
      shares: () =>
        new Map([
          ['a', 0.6],
          ['b', 0.4],
        ]),
      probe,
      history: new SampleHistory(),
      stream,
      now: () => (t += 2_000),
    });
  });

  afterEach(() => stream.close());

  it('shows members with readiness, version, start time and ring share', async () => {
    expect(sampler.members()[0]).toEqual({
      name: 'a',
      grpcAddress: 'a:1',
      httpAddress: 'a:2',
      ready: null,
      version: '1.2.3',
      startedAt: '2026-01-01T00:00:00.000Z',
      share: 0.6,
    });
    members.push(member('down'));
    const sample = await sampler.tick();
    expect(sample?.points.map((p) => p.node)).toEqual(['a', 'b']);
    expect(sampler.members().map((m) => m.ready)).toEqual([true, true, false]);
  });

  it('lists joins, leaves and flushes, and sends them to open streams', async () => {
    const page = capture();
    stream.open(page.response, 'r1');
    sampler.membersChanged(members);
    await sampler.tick();
    members = [member('a'), member('c')];
    sampler.membersChanged(members);
    generation = 2;
    await sampler.tick();
    expect(stream.events().map(({ kind, node, group }) => ({ kind, node, group }))).toEqual([
      { kind: 'joined', node: 'c', group: undefined },
      { kind: 'left', node: 'b', group: undefined },
      { kind: 'flush', node: undefined, group: 'g' },
    ]);
    expect(page.text()).toMatch(/^retry: 2000\n\n/);
    expect(page.text()).toContain('event: members\ndata: [{"name":"a"');
    expect(page.text()).toContain('event: sample\ndata: {"sample":{"t":');
    expect(page.text()).toContain('event: cluster\ndata: {"t":');
    expect(stream.size).toBe(1);
    stream.close();
    expect(stream.size).toBe(0);
    expect(page.response.ended).toBe(true);
  });

  it('keeps a bounded list of events', () => {
    const small = new DashboardStream({ maxEvents: 2 });
    for (let t = 1; t <= 3; t++) small.record({ t, kind: 'flush', group: 'g' });
    expect(small.events().map((e) => e.t)).toEqual([2, 3]);
  });
});
