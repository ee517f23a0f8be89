import type { Campaign, Etcd3 } from 'etcd3';

import { createEtcdClient } from '@ringcache/discovery';
import { EtcdCluster, eventually } from '@ringcache/testing';

import { ElectionObserver } from './election-observer';

describe('ElectionObserver on a real etcd', () => {
  let etcd: EtcdCluster;
  let client: Etcd3;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
  }, 30_000);

  // A client per test: one test's cleanup (resigned campaigns, cancelled calls, and etcd3 resetting its
  // connections after them) must not reach into the next test.
  beforeEach(() => {
    client = createEtcdClient({ endpoints: etcd.endpoints, dialTimeoutMs: 2_000 });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    client.close();
  });

  afterAll(async () => {
    await etcd?.stop();
  });

  async function observe(name: string) {
    const changes: (string | undefined)[] = [];
    const errors: Error[] = [];
    const observer = new ElectionObserver({
      client,
      namespace: 'obs/',
      name,
      onChange: (leader) => changes.push(leader),
      onError: (error) => errors.push(error),
    });
    await observer.start();
    cleanups.push(() => observer.cancel());
    return { observer, changes, errors };
  }

  function campaign(name: string, value: string): Campaign {
    const c = client.namespace('obs/').election(name, 5).campaign(value);
    cleanups.push(() => c.resign().catch(() => undefined));
    return c;
  }

  const elected = (c: Campaign) => new Promise<void>((resolve) => c.on('elected', () => resolve()));

  it('names no leader in an empty election', async () => {
    const { observer, changes } = await observe('empty');
    expect(observer.leader).toBeUndefined();
    expect(changes).toEqual([]);
  });

  // etcd3's own observer names the later of two campaigns that start together (its first watch answer holds
  // both puts and it keeps the last): with it, this case failed in most trials.
  it('names the elected one when two campaign at the same moment on an empty election', async () => {
    for (let trial = 0; trial < 10; trial++) {
      const { observer, errors } = await observe(`pair-${trial}`);
      const a = campaign(`pair-${trial}`, 'a');
      const b = campaign(`pair-${trial}`, 'b');
      let winner = '';
      await Promise.race([elected(a).then(() => (winner = 'a')), elected(b).then(() => (winner = 'b'))]);
      await eventually(
        'the observer names the elected campaign',
        () => expect(observer.leader).toBe(winner),
        5_000,
      );
      expect(errors).toEqual([]);
    }
  }, 60_000);

  it('follows the lead to the next campaign when the leader resigns, then to no one', async () => {
    const { observer, changes } = await observe('handover');
    const first = campaign('handover', 'first');
    await elected(first);
    const second = campaign('handover', 'second');
    const keys = client.namespace('obs/election/handover/');
    await eventually('second has its key', async () => (await keys.getAll().count()) === 2, 5_000);
    await eventually('first leads', () => expect(observer.leader).toBe('first'), 5_000);
    await first.resign();
    await elected(second);
    await eventually('second leads', () => expect(observer.leader).toBe('second'), 5_000);
    await second.resign();
    await eventually('no one leads', () => expect(observer.leader).toBeUndefined(), 5_000);
    expect(changes).toEqual(['first', 'second', undefined]);
  }, 20_000);

  it('reads the leader that was already there at start', async () => {
    const early = campaign('early', 'early');
    await elected(early);
    const { observer, changes } = await observe('early');
    expect(observer.leader).toBe('early');
    expect(changes).toEqual([]);
  });

  it('rejects start when etcd cannot be read, without calling onError', async () => {
    const own = createEtcdClient({ endpoints: etcd.endpoints, dialTimeoutMs: 2_000 });
    const errors: Error[] = [];
    const observer = new ElectionObserver({
      client: own,
      namespace: 'obs/',
      name: 'closed',
      onChange: () => undefined,
      onError: (error) => errors.push(error),
    });
    own.close();
    await expect(observer.start()).rejects.toThrow();
    expect(errors).toEqual([]);
  });
});
