import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { HostTree } from '@angular-devkit/schematics';
import { SchematicTestRunner, UnitTestTree } from '@angular-devkit/schematics/testing';

import { groupGenerator } from './group.generator';
import type { GroupGeneratorOptions } from './group-options';
import { NEST_CLI_OPTIONS } from './group.schematic';
import nxSchema from './schema.json';
import schematicSchema from './schematic-schema.json';
import { changedFiles, INPUT_FILES, realFile, WORKSPACE_ROOT, workspaceTree } from '../../testing/workspace';

const PLUGIN = join(WORKSPACE_ROOT, 'tools/ringcache-plugin');
const COLLECTION = join(PLUGIN, 'collection.json');
const ORDERS: GroupGeneratorOptions = {
  name: 'orders',
  table: 'order_line',
  valueColumn: 'status',
  ttl: '10m',
};

/** What the Nest CLI's `nest g -c <collection> group orders` adds to the options (see its generate.action). */
const FROM_NEST_CLI = {
  collection: './tools/ringcache-plugin/collection.json',
  language: 'ts',
  sourceRoot: 'src',
  spec: true,
  flat: false,
  skipImport: false,
  specFileSuffix: 'spec',
};

/** The files the Nx generator writes for `options`, from the same inputs. */
async function underNx(options: GroupGeneratorOptions): Promise<Map<string, string>> {
  const tree = workspaceTree();
  await groupGenerator(tree, options);
  return changedFiles(tree);
}

/** An Angular-devkit tree holding the same inputs as the Nx scratch tree. */
function schematicTree(): UnitTestTree {
  const tree = new UnitTestTree(new HostTree());
  for (const path of INPUT_FILES) tree.create(path, realFile(path));
  return tree;
}

/** The files a schematic run added or changed, as `changedFiles` reports them for Nx. */
function changedIn(tree: UnitTestTree): Map<string, string> {
  const result = new Map<string, string>();
  for (const file of tree.files) {
    const path = file.slice(1);
    const text = tree.readContent(file);
    if (/^(apps|config)\//.test(path) && (!INPUT_FILES.includes(path) || text !== realFile(path))) {
      result.set(path, text);
    }
  }
  return result;
}

describe('group schematic (Nest CLI, Angular devkit)', () => {
  const runner = new SchematicTestRunner('@ringcache/tools', COLLECTION);

  it('runs the Nx generator: the same files from the same options', async () => {
    const tree = await runner.runSchematic('group', ORDERS, schematicTree());
    expect(changedIn(tree)).toEqual(await underNx(ORDERS));
  });

  it('accepts and ignores the options the Nest CLI adds', async () => {
    const tree = await runner.runSchematic('group', { ...ORDERS, ...FROM_NEST_CLI }, schematicTree());
    expect(changedIn(tree)).toEqual(await underNx(ORDERS));
  });

  it('refuses a path, since a group has one place', async () => {
    await expect(
      runner.runSchematic('group', { ...ORDERS, path: 'src/orders' }, schematicTree()),
    ).rejects.toThrow(
      "--path: a group's files always go to apps/cache-node/src/app/groups/<name>; leave the path out",
    );
  });

  it('reports bad options and existing groups as under Nx', async () => {
    await expect(runner.runSchematic('group', { ...ORDERS, ttl: 'soon' }, schematicTree())).rejects.toThrow(
      /^invalid options for @ringcache\/tools:group:\n--ttl: must be a duration/,
    );
    await expect(
      runner.runSchematic('group', { ...ORDERS, name: 'scores' }, schematicTree()),
    ).rejects.toThrow(/^group scores exists: .* Nothing was changed\.$/);
  });

  it('declares every option of the Nx schema, defined the same, plus the Nest CLI ones', () => {
    const nx = nxSchema.properties as Record<string, Record<string, unknown>>;
    const schematic = schematicSchema.properties as Record<string, Record<string, unknown>>;
    for (const [name, definition] of Object.entries(nx)) {
      const { 'x-prompt': _prompt, ...same } = schematic[name] ?? {};
      expect({ name, definition: same }).toEqual({ name, definition });
    }
    expect(Object.keys(schematic).filter((name) => !(name in nx))).toEqual(['path', ...NEST_CLI_OPTIONS]);
    expect(schematicSchema.required).toEqual(nxSchema.required);
    expect(schematicSchema.additionalProperties).toBe(false);
  });

  describe('from plain Node.js, as `nest g` runs it', () => {
    let root: string;

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'ringcache-schematic-'));
      for (const path of [...INPUT_FILES, '.prettierrc']) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), realFile(path));
      }
    });

    afterEach(() => {
      rmSync(root, { recursive: true, force: true });
    });

    /**
     * Runs the collection in a child process the way the `schematics` CLI behind `nest g` does — a
     * NodeWorkflow rooted at the working directory — so collection.json, the ts-node fallback of
     * group.schematic.cjs and prettier (which Jest cannot load) all take part. Returns the reported actions.
     */
    function runWorkflow(options: object, dryRun: boolean): string[] {
      const script = `
        const from = (id) => require(require.resolve(id, { paths: [process.env.WORKSPACE] }));
        const { NodeWorkflow } = from('@angular-devkit/schematics/tools');
        const [collection, options, dryRun] = JSON.parse(process.argv[1]);
        const root = process.cwd();
        const workflow = new NodeWorkflow(root, { dryRun, force: false, resolvePaths: [root, root], schemaValidation: true });
        const events = [];
        workflow.reporter.subscribe((event) => events.push(event.kind + ' ' + event.path));
        workflow.execute({ collection, schematic: 'group', options, allowPrivate: false, debug: false }).subscribe({
          error: (error) => { console.error(error.message); process.exit(1); },
          complete: () => console.log(JSON.stringify(events)),
        });`;
      const output = execFileSync(
        process.execPath,
        ['-e', script, JSON.stringify([COLLECTION, options, dryRun])],
        {
          cwd: root,
          env: { ...process.env, WORKSPACE: WORKSPACE_ROOT },
          encoding: 'utf-8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      return JSON.parse(output.trim().split('\n').pop() ?? '[]') as string[];
    }

    it('writes nothing on a dry run, then the same files as Nx, already formatted', async () => {
      const expected = await underNx(ORDERS);
      const actions = runWorkflow({ ...ORDERS, ...FROM_NEST_CLI }, true);
      expect(actions.sort()).toEqual(
        [...expected.keys()]
          .map((path) => `${INPUT_FILES.includes(path) ? 'update' : 'create'} /${path}`)
          .sort(),
      );
      for (const path of INPUT_FILES) expect(readFileSync(join(root, path), 'utf-8')).toBe(realFile(path));
      expect(() =>
        readFileSync(join(root, 'apps/cache-node/src/app/groups/orders/orders-loader.ts')),
      ).toThrow();

      runWorkflow({ ...ORDERS, ...FROM_NEST_CLI }, false);
      // Prettier ran here (Nx's formatFiles, through the adapter); the Nx run under Jest did not: equal
      // contents also mean the generator writes what prettier would.
      for (const [path, text] of expected)
        expect({ path, text: readFileSync(join(root, path), 'utf-8') }).toEqual({ path, text });
    });
  });
});
