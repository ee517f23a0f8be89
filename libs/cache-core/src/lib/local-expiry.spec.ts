import { Group } from './group';
import { GroupRegistry } from './group-registry';
import { found, loaderFn } from './loader';
import { LocalExpiry } from './local-expiry';

const ctx = { hops: 0, ringVersion: '' };

describe('LocalExpiry and Group.expireDue', () => {
  it('drops what has expired, leaves a timer for what is due within the second, and keeps the rest', async () => {
    let now = 100_000;
    const group = new Group({
      name: 'g',
      loader: loaderFn(async (key) => found(key)),
      maxBytes: 1 << 20,
      now: () => now,
    });
    await group.set('past', Buffer.from('x'), 1_000, ctx);
    await group.set('soon', Buffer.from('x'), 2_500, ctx);
    await group.set('later', Buffer.from('x'), 60_000, ctx);
    await group.set('never', Buffer.from('x'), 0, ctx);
    now += 2_000;
    expect(group.expireDue()).toEqual({ removed: 1, scheduled: 1 });
    expect(group.stats().main.items).toBe(3);
    // The timer at 'soon's exact expiry drops it without another sweep.
    now += 600;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(group.stats().main.items).toBe(2);
    expect(group.stats().activeExpirations).toBe(2);
  });

  it('sweeps every group of a registry, and counts what it did', () => {
    let now = 1_000;
    const registry = new GroupRegistry();
    const groups = ['a', 'b'].map((name) =>
      registry.add(
        new Group({ name, loader: loaderFn(async () => found('v')), maxBytes: 1 << 20, now: () => now }),
      ),
    );
    return Promise.all(groups.map((g) => g.set('k', Buffer.from('v'), 1_000, ctx))).then(() => {
      now += 5_000;
      const sweeps = new LocalExpiry(registry, 60_000);
      try {
        sweeps.sweep();
        expect(sweeps.stats()).toEqual({ sweeps: 1, removed: 2, scheduled: 0 });
        expect(groups.map((g) => g.stats().main.items)).toEqual([0, 0]);
      } finally {
        sweeps.stop();
      }
    });
  });
});
