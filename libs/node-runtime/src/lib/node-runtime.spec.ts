import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { found, loaderFn, notFound } from '@ringcache/cache-core';
import { loadConfig } from '@ringcache/config';
import { scoresLoader } from '@ringcache/data-source';

import type { GroupDefinition } from './group-definition';
import { NodeRuntime } from './node-runtime';

const logger = { log: () => undefined, warn: () => undefined };

describe('NodeRuntime', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'node-runtime-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function config(env: Record<string, string> = {}) {
    return loadConfig({
      cwd: dir,
      env: {
        RINGCACHE_NODE_NAME: 'node1',
        RINGCACHE_SQLITE_PATH: join(dir, 'db.sqlite'),
        RINGCACHE_NODES: JSON.stringify([
          { name: 'node1', grpc: '127.0.0.1:1', http: '127.0.0.1:2' },
          { name: 'node2', grpc: '127.0.0.1:3', http: '127.0.0.1:4' },
        ]),
        ...env,
      },
    });
  }

  it('seeds the demo data, builds the groups with their settings, and joins the static ring', async () => {
    const groups: GroupDefinition[] = [
      { name: 'scores', loader: ({ dataSource }) => scoresLoader(dataSource) },
      { name: 'echo', loader: () => loaderFn(async (key) => (key === 'none' ? notFound : found(key))) },
    ];
    const runtime = await NodeRuntime.start({
      config: config({ RINGCACHE_GROUPS: '{"echo":{"ttl":"1s"}}' }),
      groups,
      logger,
    });
    try {
      expect(runtime.inRing()).toBe(true);
      await expect(runtime.database.ping()).resolves.toBeUndefined();
      expect(runtime.peers.members().map((m) => m.name)).toEqual(['node1', 'node2']);
      expect(runtime.groups.all().map((g) => g.name)).toEqual(['echo', 'scores']);
      // hops 1: answer here, whoever owns the key, so the test needs no second node.
      const tom = await runtime.peerService.get({ group: 'scores', key: 'Tom', hops: 1, ringVersion: '' });
      expect(Buffer.from(tom.value).toString()).toBe('630');
      const echo = await runtime.peerService.get({ group: 'echo', key: 'hi', hops: 1, ringVersion: '' });
      expect(echo.expireAtMs).toBeGreaterThan(Date.now());
      expect(echo.expireAtMs).toBeLessThanOrEqual(Date.now() + 1_000);
    } finally {
      await runtime.stop();
    }
    expect(runtime.dataSource.isInitialized).toBe(false);
  });

  it('refuses a group defined twice and releases the database', async () => {
    const definition: GroupDefinition = {
      name: 'scores',
      loader: ({ dataSource }) => scoresLoader(dataSource),
    };
    await expect(
      NodeRuntime.start({ config: config(), groups: [definition, definition], logger }),
    ).rejects.toThrow('group scores is defined twice');
  });

  it('warns when the node is not on its own member list', async () => {
    const warnings: string[] = [];
    const runtime = await NodeRuntime.start({
      config: config({ RINGCACHE_NODE_NAME: 'stranger' }),
      groups: [],
      logger: { log: () => undefined, warn: (m) => warnings.push(m) },
    });
    await runtime.stop();
    expect(warnings.join('\n')).toContain('this node (stranger) is not in the member list');
  });

  it('serves a group configured with a table and no code, and checks the table at startup', async () => {
    const setup = await NodeRuntime.start({ config: config(), groups: [], logger });
    await setup.dataSource.query('CREATE TABLE product (sku TEXT PRIMARY KEY, description TEXT)');
    await setup.dataSource.query("INSERT INTO product VALUES ('A-1', 'a kettle')");
    await setup.stop();
    const groups = '{"products":{"table":"product","keyColumn":"sku","valueColumn":"description"}}';
    const runtime = await NodeRuntime.start({
      config: config({ RINGCACHE_GROUPS: groups }),
      groups: [],
      logger,
    });
    try {
      const answer = await runtime.peerService.get({
        group: 'products',
        key: 'A-1',
        hops: 1,
        ringVersion: '',
      });
      expect(Buffer.from(answer.value).toString()).toBe('a kettle');
      expect(
        (await runtime.peerService.get({ group: 'products', key: 'B-2', hops: 1, ringVersion: '' })).found,
      ).toBe(false);
    } finally {
      await runtime.stop();
    }
    const missing = '{"gadgets":{"table":"gadget","keyColumn":"id","valueColumn":"name"}}';
    await expect(
      NodeRuntime.start({ config: config({ RINGCACHE_GROUPS: missing }), groups: [], logger }),
    ).rejects.toThrow(/gadget/);
    const twice: GroupDefinition = { name: 'products', loader: () => loaderFn(async () => notFound) };
    await expect(
      NodeRuntime.start({ config: config({ RINGCACHE_GROUPS: groups }), groups: [twice], logger }),
    ).rejects.toThrow('group products has a loader in code and a table (product) in configuration: keep one');
  });
});
