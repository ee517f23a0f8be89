import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EtcdCluster, startCluster, workspaceRoot, type TestCluster } from '@ringcache/testing';

import { buildClientPackage, mb, PackageProject } from './package-project';

/** The most node_modules may hold after installing the client alone (apparent size, see below). */
const MAX_INSTALLED_BYTES = 15_000_000;

/** Packages the main entry must never bring: Nest and the packages Nest itself needs. */
const FRAMEWORK = /^(@nestjs\/|rxjs$|reflect-metadata$)/;

/** The Nest packages a Nest user has, at the workspace's versions (the npm cache likely holds them). */
const NEST_PEERS = ['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs'].map((name) => {
  const manifest = join(workspaceRoot(), 'node_modules', name, 'package.json');
  return `${name}@${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version}`;
});

/**
 * `@ringcache/client` as a user gets it: the package built (`client:package`), packed, installed from the
 * tarball into an empty project with its dependencies from the registry, then used from an ES module, a
 * CommonJS script, TypeScript (moduleResolution node16 and bundler) and a NestJS app — each against a static
 * node list and through etcd. Records node_modules' size with and without the Nest peers.
 */
describe('the @ringcache/client package, installed', () => {
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let project: PackageProject;
  let env: NodeJS.ProcessEnv;
  const sizes: string[] = [];

  beforeAll(async () => {
    const [packageDir, started] = await Promise.all([
      buildClientPackage(),
      (async () => {
        etcd = await EtcdCluster.start(1);
        cluster = await startCluster({
          nodes: 2,
          gateway: false,
          etcd: { endpoints: etcd.endpoints, cluster: 'sdk-package' },
        });
        return cluster;
      })(),
    ]);
    project = await PackageProject.create(packageDir);
    const targets = [
      {
        label: 'static',
        options: { nodes: started.staticNodes.map(({ name, grpc, http }) => ({ name, grpc, http })) },
      },
      { label: 'etcd', options: { etcd: { endpoints: etcd.endpoints, cluster: 'sdk-package' } } },
    ];
    env = { RINGCACHE_TARGETS: JSON.stringify(targets) };
  }, 360_000);

  afterAll(async () => {
    project?.remove();
    await cluster?.stop();
    await etcd?.stop();
    if (sizes.length) console.log(`@ringcache/client installed size:\n${sizes.join('\n')}`);
  }, 60_000);

  it('installs without Nest, rxjs or reflect-metadata, within the size budget', () => {
    expect(project.packages().filter((name) => FRAMEWORK.test(name))).toEqual([]);
    const { disk, apparent } = project.size();
    sizes.push(`  without the Nest peers: ${mb(apparent)} of files, ${mb(disk)} on disk (du)`);
    // Apparent size: the bytes of the files, the same on every file system. On disk, 4 KiB blocks round
    // each of its ~1,600 small files up (grpc-js and protobufjs ship many), adding about a third: 16.9 MB
    // when this was written, of which the package itself is 1.1 MB.
    expect(apparent).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  });

  it('says what is missing when the nest entry is imported without Nest, and only rejects that import', async () => {
    const script = `import('@ringcache/client/nest').then(
      () => console.log('loaded'),
      (error) => console.log(error.code, error.message.split('\\n')[0]),
    )`;
    expect(await project.node(['-e', script], {})).toContain(
      "MODULE_NOT_FOUND Cannot find module '@nestjs/common'",
    );
  });

  it('works from an ES module', async () => {
    const output = await project.node(['consumer.mjs'], env);
    expect(output).toContain('esm static: ok');
    expect(output).toContain('esm etcd: ok');
  });

  it('works from a CommonJS script', async () => {
    const output = await project.node(['consumer.cjs'], env);
    expect(output).toContain('cjs static: ok');
    expect(output).toContain('cjs etcd: ok');
  });

  it.each([
    ['node16', ['--module', 'node16', '--moduleResolution', 'node16']],
    ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler']],
  ])('works from TypeScript with moduleResolution %s', async (resolution, flags) => {
    const outDir = `out-${resolution}`;
    // @types/node comes with the client's own dependencies (protobufjs declares it).
    const common = ['--strict', '--target', 'es2022', '--types', 'node', '--outDir', outDir];
    await project.tsc([...common, ...flags, 'consumer.mts']);
    const output = await project.node([join(outDir, 'consumer.mjs')], env);
    expect(output).toContain('ts static: ok');
    expect(output).toContain('ts etcd: ok');
  });

  it('works in a NestJS app through @ringcache/client/nest, and the main entry still loads no Nest', async () => {
    await project.install(NEST_PEERS);
    const { disk, apparent } = project.size();
    sizes.push(`  with the Nest peers:    ${mb(apparent)} of files, ${mb(disk)} on disk (du)`);
    const output = await project.node(['nest-consumer.mjs'], env);
    expect(output).toContain('nest static: ok');
    expect(output).toContain('nest etcd: ok');
    // With Nest installed now, requiring the main entry must still leave it alone (the script checks).
    expect(await project.node(['consumer.cjs'], env)).toContain('cjs etcd: ok');
  });
});
