import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { loadConfig } from '@ringcache/config';
import {
  freePort,
  type ManagedProcess,
  runToExit,
  type RunResult,
  startProcess,
  tempDir,
  type TempDir,
  toolEnv,
  waitForReady,
  workspaceRoot,
} from '@ringcache/testing';

import { get, peerUrl } from '../support';
import { runInTerminal } from './nest-terminal';

/**
 * `nx g @ringcache/tools:group` as a user runs it, in a copy of the workspace (the real one is never
 * written): dry run, the real run, a refused second run, the generated loader test, then a cluster built
 * from that copy serving the new group's rows from a SQLite file through the gateway.
 */
describe('the group generator, end to end', () => {
  const APP = 'apps/cache-node/src/app';
  const GROUP = ['orders', '--table=order_line', '--valueColumn=status', '--maxBytes=16MiB', '--ttl=1m'];
  let workspace: TempDir;
  const running: ManagedProcess[] = [];

  /** Runs `node <args>` in the copy with a clean environment (no Nx variables of an outer run leak in). */
  function run(args: string[], timeoutMs = 60_000): Promise<RunResult> {
    return runToExit(
      {
        name: args.slice(0, 3).join(' '),
        command: process.execPath,
        args,
        cwd: workspace.path,
        env: toolEnv(),
      },
      timeoutMs,
    );
  }

  const nx = (...args: string[]) => run(['node_modules/nx/dist/bin/nx.js', ...args]);

  /** Every file under the folders the generator may touch, with its content. */
  function files(): Map<string, string> {
    const result = new Map<string, string>();
    for (const dir of ['apps/cache-node', 'config']) {
      for (const entry of readdirSync(join(workspace.path, dir), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        result.set(path.slice(workspace.path.length + 1), readFileSync(path, 'utf-8'));
      }
    }
    return result;
  }

  beforeAll(() => {
    workspace = tempDir('ringcache-generator-');
    const root = workspaceRoot();
    const skip = /(^|\/)(node_modules|dist|\.nx|coverage|jest-results\.json)$/;
    const copy = (path: string) =>
      cpSync(join(root, path), join(workspace.path, path), {
        recursive: true,
        filter: (source) => !skip.test(source.slice(root.length)),
      });
    for (const file of ['nx.json', 'package.json', 'tsconfig.base.json', '.prettierrc', '.prettierignore']) {
      copy(file);
    }
    copy('jest.preset.js');
    for (const dir of [
      'apps/cache-node',
      'apps/gateway',
      'libs',
      'tools/build',
      'tools/ringcache-plugin',
      'config',
    ]) {
      copy(dir);
    }
    symlinkSync(join(root, 'node_modules'), join(workspace.path, 'node_modules'), 'dir');
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop('SIGTERM', 5_000)));
    workspace?.remove();
  });

  it('lists what it would do on a dry run, and writes nothing', async () => {
    const before = files();
    const { code, output } = await nx('g', '@ringcache/tools:group', ...GROUP, '--dry-run');
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('no changes were made') });
    for (const line of [
      `CREATE ${APP}/groups/orders/order-line.entity.ts`,
      `CREATE ${APP}/groups/orders/orders-loader.ts`,
      `CREATE ${APP}/groups/orders/orders-loader.spec.ts`,
      `UPDATE ${APP}/groups.ts`,
      'UPDATE config/ringcache.yaml',
    ]) {
      expect(output).toContain(line);
    }
    expect(files()).toEqual(before);
  });

  it('runs through the real Nest CLI (nest g -c …/collection.json group), asking for the options', async () => {
    const before = files();
    const { code, output } = await runInTerminal(
      'node_modules/.bin/nest g -c ./tools/ringcache-plugin/collection.json group orders --dry-run',
      workspace.path,
      [
        { prompt: 'Table to read?', answer: 'order_line' },
        { prompt: 'Key column?', answer: '' },
        { prompt: 'Column whose value is cached?', answer: 'status' },
        { prompt: 'Columns of the row for JSON', answer: '' },
      ],
      90_000,
    );
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('Dry run enabled') });
    for (const line of [
      `CREATE ${APP}/groups/orders/order-line.entity.ts`,
      `CREATE ${APP}/groups/orders/orders-loader.ts`,
      `UPDATE ${APP}/groups.ts`,
      'UPDATE config/ringcache.yaml',
    ]) {
      expect(output).toContain(line);
    }
    expect(files()).toEqual(before);
  });

  it('adds the group, formatted, and configures it as asked', async () => {
    const { code, output } = await nx('g', '@ringcache/tools:group', ...GROUP);
    expect({ code, output }).toEqual({
      code: 0,
      output: expect.stringContaining('Cache group orders added.'),
    });
    expect(readFileSync(join(workspace.path, APP, 'groups.ts'), 'utf-8')).toContain(
      `{ name: 'orders', entities: [OrderLine], loader: ({ dataSource }) => ordersLoader(dataSource) },`,
    );
    const generated = [`${APP}/groups`, `${APP}/groups.ts`, 'config/ringcache.yaml'];
    const prettier = await run(['node_modules/prettier/bin/prettier.cjs', '--check', ...generated]);
    expect(prettier).toEqual({
      code: 0,
      output: expect.stringContaining('All matched files use Prettier code style'),
    });
    // The configuration lib reads the edited file as the nodes will.
    const config = loadConfig({ cwd: workspace.path, env: {} });
    expect(config.groups['orders']).toMatchObject({
      maxBytes: 16 * 2 ** 20,
      ttlMs: 60_000,
      negativeTtlMs: 30_000,
    });
    expect(config.groups['scores']).toMatchObject({ ttlMs: 300_000 });
  });

  it('refuses to add the same group again, changing nothing', async () => {
    const before = files();
    const { code, output } = await nx('g', '@ringcache/tools:group', ...GROUP);
    expect(code).not.toBe(0);
    expect(output).toContain('group orders exists');
    expect(output).toContain('Nothing was changed.');
    expect(files()).toEqual(before);
  });

  it('writes a loader test that passes', async () => {
    const jest = await run([
      'node_modules/jest/bin/jest.js',
      '-c',
      'apps/cache-node/jest.config.cts',
      '--ci',
      `${APP}/groups/orders`,
    ]);
    expect(jest).toEqual({ code: 0, output: expect.stringMatching(/Tests: +3 passed, 3 total/) });
  });

  it('serves the new group from a cluster built from the workspace', async () => {
    const build = await run(
      [
        'node_modules/nx/dist/bin/nx.js',
        'run-many',
        '-t',
        'build',
        '-p',
        'cache-node,gateway',
        '--outputStyle=static',
      ],
      120_000,
    );
    expect(build).toEqual({ code: 0, output: expect.stringContaining('Successfully ran target build') });

    // The table the group reads: the generator never creates tables, the database's owner does.
    const sqlite = join(workspace.path, 'data', 'ringcache.sqlite');
    mkdirSync(join(workspace.path, 'data'));
    const db = new Database(sqlite);
    db.exec('CREATE TABLE order_line (id INTEGER PRIMARY KEY, status TEXT NOT NULL)');
    db.prepare('INSERT INTO order_line (id, status) VALUES (?, ?), (?, ?)').run(1, 'shipped', 2, 'paid');
    db.close();

    const env = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'test',
      RINGCACHE_LOG_LEVEL: 'warn',
    };
    const members = [];
    for (const name of ['node1', 'node2']) {
      members.push({ name, grpc: `127.0.0.1:${await freePort()}`, http: `127.0.0.1:${await freePort()}` });
    }
    const shared = { ...env, RINGCACHE_SQLITE_PATH: sqlite, RINGCACHE_NODES: JSON.stringify(members) };
    const app = (name: string) => join(workspace.path, 'dist/apps', name, 'main.js');
    expect(existsSync(app('cache-node')) && existsSync(app('gateway'))).toBe(true);
    const nodes = members.map((member) => {
      const node = startProcess({
        name: member.name,
        command: process.execPath,
        args: [app('cache-node')],
        // config/ringcache.yaml is read from the working directory: the generated one.
        cwd: workspace.path,
        env: {
          ...shared,
          RINGCACHE_NODE_NAME: member.name,
          RINGCACHE_NODE_GRPC_PORT: member.grpc.split(':')[1],
          RINGCACHE_NODE_HTTP_PORT: member.http.split(':')[1],
        },
      });
      running.push(node);
      return { url: `http://${member.http}`, process: node };
    });
    const gatewayPort = await freePort();
    const gateway = startProcess({
      name: 'gateway',
      command: process.execPath,
      args: [app('gateway')],
      cwd: workspace.path,
      env: { ...shared, RINGCACHE_GATEWAY_PORT: String(gatewayPort) },
    });
    running.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await Promise.all([
      ...nodes.map((node) => waitForReady(node.url, node.process, 30_000)),
      waitForReady(gatewayUrl, gateway, 30_000),
    ]);

    const res = await fetch(`${gatewayUrl}/api/v1/groups/orders/keys/1`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: 'shipped' });
    // Cached with the generated ttl of one minute.
    const expiresIn = Number(res.headers.get('x-ringcache-expire-at')) - Date.now();
    expect(expiresIn).toBeGreaterThan(50_000);
    expect(expiresIn).toBeLessThanOrEqual(60_000);
    expect((await get(`${gatewayUrl}/api/v1/groups/orders/keys/3`)).status).toBe(404);
    for (const node of nodes)
      expect(await get(peerUrl(node, 'orders', '2'))).toEqual({ status: 200, body: 'paid' });
    // The demo group is still there.
    expect(await get(`${gatewayUrl}/api/v1/groups/scores/keys/Tom`)).toEqual({ status: 200, body: '630' });
  }, 150_000);
});
