import { Group } from '../lib/group';
import type { GroupOptions } from '../lib/group-options';
import { GroupRegistry } from '../lib/group-registry';
import { PeerService } from '../lib/peer-service';
import type { PeerPicker, RouteStep } from '../lib/peer-set';
import { InProcessPeer } from './in-process-peer';
import { testDatabase as database } from './test-database';

/**
 * An in-process cluster: nodes A, B, C with their own groups and databases, where `owner` owns every key
 * (each node's route starts with the owner) and every node knows all the others.
 */
export function inProcessCluster(
  owner: 'A' | 'B' | 'C',
  rows: Record<string, string>,
  extra: Partial<GroupOptions> = {},
) {
  const names = ['A', 'B', 'C'] as const;
  const services = new Map<string, PeerService>();
  const peers = new Map(names.map((n) => [n, new InProcessPeer(n, () => services.get(n) as PeerService)]));
  const dbs = new Map<string, ReturnType<typeof database>['db']>();
  const groups = new Map<string, Group>();
  for (const name of names) {
    const { db, loader } = database(rows);
    const route: RouteStep[] = name === owner ? ['self'] : [peers.get(owner) as InProcessPeer, 'self'];
    const picker: PeerPicker = {
      ringVersion: 'v1',
      route: (_k, attempts = 2) => route.slice(0, attempts),
      others: () => names.filter((n) => n !== name).map((n) => peers.get(n) as InProcessPeer),
    };
    const group = new Group({
      name: 'g',
      loader,
      maxBytes: 1 << 20,
      peers: picker,
      hotThreshold: 1,
      ...extra,
    });
    const registry = new GroupRegistry();
    registry.add(group);
    services.set(name, new PeerService(registry));
    dbs.set(name, db);
    groups.set(name, group);
  }
  return {
    peers,
    dbs,
    groups,
    group: (n: string) => groups.get(n) as Group,
    peer: (n: 'A' | 'B' | 'C') => peers.get(n) as InProcessPeer,
    db: (n: string) => dbs.get(n) as ReturnType<typeof database>['db'],
  };
}
