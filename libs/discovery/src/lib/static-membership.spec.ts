import { StaticMembership } from './static-membership';

const node = (name: string, port: number) => ({
  name,
  grpcAddress: `127.0.0.1:${port}`,
  httpAddress: `127.0.0.1:${port + 100}`,
});

describe('StaticMembership', () => {
  it('serves the configured list, unchanged, as copies', async () => {
    const membership = new StaticMembership([node('node1', 8001), node('node2', 8002)]);
    await membership.start();
    const members = membership.members();
    expect(members.map((m) => m.name)).toEqual(['node1', 'node2']);
    members[0].name = 'changed';
    expect(membership.members()[0].name).toBe('node1');
    const unsubscribe = membership.onChange(() => {
      throw new Error('a static list never changes');
    });
    unsubscribe();
    await membership.stop();
  });

  it('rejects duplicate and missing names', () => {
    expect(() => new StaticMembership([node('a', 1), node('a', 2)])).toThrow(
      'static membership: node name a appears twice',
    );
    expect(() => new StaticMembership([node('', 1)])).toThrow(/no name/);
  });
});
