import { parse as parseYaml } from 'yaml';

import { loadConfig } from '@ringcache/config';
import { type TempDir } from '@ringcache/testing';

import { checkCompose } from './compose-checks';
import { type ComposeFile } from './compose-file';
import { withLocalCerts } from './compose-tls';
import { COMPOSE, DOCKERFILE, read, type Repo, withRepo } from './deployment-repo';

/**
 * docker/compose.yaml, checked statically (no Docker engine runs here): its services, every check against
 * the repository and the Dockerfile, each app's environment as the config loader reads it; then the file
 * broken on purpose for the checks to notice.
 */
describe('docker files', () => {
  let dir: TempDir;
  let repo: Repo;
  const dockerfile = read(DOCKERFILE);
  const compose = read(COMPOSE);

  withRepo((opened) => ({ dir, repo } = opened));

  describe('docker/compose.yaml', () => {
    it('passes every check', () => {
      expect(checkCompose(compose, repo, dockerfile).problems).toEqual([]);
    });

    it('runs 3 etcd members, MySQL, 3 cache nodes, the gateway and a ttl-worker', () => {
      const { apps } = checkCompose(compose, repo, dockerfile);
      const roles = [...apps].map(([name, { app }]) => `${name}:${app}`);
      expect(roles).toEqual([
        'node1:cache-node',
        'node2:cache-node',
        'node3:cache-node',
        'gateway:gateway',
        'ttl-worker:ttl-worker',
      ]);
      const services = Object.keys((parseYaml(compose, { merge: true }) as ComposeFile).services);
      expect(services).toEqual([
        'certs',
        'etcd1',
        'etcd2',
        'etcd3',
        'mysql',
        'node1',
        'node2',
        'node3',
        'gateway',
        'ttl-worker',
      ]);
    });

    it("gives each app an environment the config loader accepts, with the image's ENV under it", () => {
      const { apps } = checkCompose(compose, repo, dockerfile);
      // Every ringcache service of the file, so the loop below cannot pass by checking none.
      expect([...apps.keys()].sort()).toEqual(['gateway', 'node1', 'node2', 'node3', 'ttl-worker']);
      for (const [name, { app, env }] of apps) {
        const config = loadConfig({ env: withLocalCerts(env, repo.certs), cwd: dir.path });
        expect({ name, cluster: config.cluster, endpoints: config.etcd.endpoints.length }).toEqual({
          name,
          cluster: 'ringcache',
          endpoints: 3,
        });
        // Mutual TLS between every ringcache process, never switched off.
        expect(config.tls).toEqual({
          caFile: `${repo.certs}/ca.pem`,
          certFile: `${repo.certs}/${name}.pem`,
          keyFile: `${repo.certs}/${name}.key`,
        });
        expect(config.security.insecure).toBe(false);
        if (app === 'cache-node')
          expect(config.node).toMatchObject({ name, advertiseHost: name, host: '0.0.0.0' });
        if (app === 'gateway') {
          expect(config.gateway).toMatchObject({ host: '0.0.0.0', port: 9999 });
          // Protected mode: on 0.0.0.0 the gateway needs API keys, and the compose file must not switch it off.
          expect(config.gateway.apiKeys.length).toBeGreaterThan(0);
        }
      }
    });
  });

  describe('the checks catch mistakes', () => {
    const breakCompose = (from: string, to: string) => {
      expect(compose).toContain(from);
      return checkCompose(compose.replace(from, to), repo, dockerfile).problems;
    };

    it('in compose.yaml', () => {
      expect(breakCompose('RINGCACHE_NODE_NAME: node2', 'RINGCACHE_NODE_NAM: node2')).toContain(
        'node2: RINGCACHE_NODE_NAM is not a ringcache setting',
      );
      expect(breakCompose('RINGCACHE_NODE_NAME: node2', 'RINGCACHE_NODE_NAME: node1')).toEqual([
        "node2: node name node1 is also node1's",
      ]);
      expect(breakCompose("RINGCACHE_NODE_HTTP_PORT: '8103'", "RINGCACHE_NODE_HTTP_PORT: '8104'")).toEqual(
        expect.arrayContaining([
          'node3: port 8104 is not in ports (8003,8103)',
          'node3: the health check asks port 8103, the app serves 8104',
        ]),
      );
      expect(breakCompose("RINGCACHE_GATEWAY_PORT: '9999'", "RINGCACHE_GATEWAY_PORT: 'ninety'")).toEqual([
        expect.stringMatching(
          /^gateway: invalid ringcache configuration:; gateway\.port: must be an integer/,
        ),
      ]);
      expect(breakCompose("RINGCACHE_GATEWAY_PORT: '9999'", 'RINGCACHE_GATEWAY_PORT: 9999')).toContain(
        'gateway: RINGCACHE_GATEWAY_PORT must be a quoted string, got 9999',
      );
      expect(
        breakCompose('RINGCACHE_NODE_ADVERTISE_HOST: node1', 'RINGCACHE_NODE_ADVERTISE_HOST: localhost'),
      ).toContain('node1: advertises localhost, not its service name');
      expect(breakCompose('      node3:\n        condition', '      node4:\n        condition')).toContain(
        'gateway: depends on node4, which is not a service',
      );
      expect(breakCompose('etcd2=http://etcd2:2380,etcd3', 'etcd2=http://etcd2:2381,etcd3')).toContain(
        'etcd1: --initial-cluster=etcd1=http://etcd1:2380,etcd2=http://etcd2:2381,etcd3=http://etcd3:2380, expected etcd1=http://etcd1:2380,etcd2=http://etcd2:2380,etcd3=http://etcd3:2380',
      );
      expect(
        breakCompose('http://etcd1:2379,http://etcd2:2379,http://etcd3:2379', 'http://etcd1:2379'),
      ).toContain(
        'gateway: etcd endpoints http://etcd1:2379 are not the members http://etcd1:2379,http://etcd2:2379,http://etcd3:2379',
      );
      expect(breakCompose('--auto-compaction-retention=5m', '--auto-compaction-retention=0')).toContain(
        'etcd1: needs --auto-compaction-mode=periodic and a --auto-compaction-retention',
      );
      expect(breakCompose('@mysql:3306/ringcache', '@db:3306/ringcache')).toContain(
        'node1: MySQL at db:3306, not the mysql service',
      );
      expect(breakCompose('RINGCACHE_LOG_LEVEL: info', 'RINGCACHE_LOG_LEVEL: ${LOG_LEVEL}')).toContain(
        'no interpolation, values are written out: ${LOG_LEVEL}',
      );
      expect(breakCompose('RINGCACHE_GATEWAY_HOST: 0.0.0.0', 'RINGCACHE_GATEWAY_HOST: 127.0.0.1')).toContain(
        'gateway: listens on 127.0.0.1, not 0.0.0.0',
      );
    });
  });
});
