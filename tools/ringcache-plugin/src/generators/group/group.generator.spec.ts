import type { Tree } from '@nx/devkit';
import { parse } from 'yaml';

import { groupGenerator } from './group.generator';
import type { GroupGeneratorOptions } from './group-options';
import { addedLines } from '../../testing/added-lines';
import { typeErrors } from '../../testing/compile';
import { changedFiles, realFile, workspaceTree } from '../../testing/workspace';

const APP = 'apps/cache-node/src/app';
const ORDERS: GroupGeneratorOptions = {
  name: 'orders',
  table: 'order_line',
  valueColumn: 'status',
  maxBytes: '16MiB',
  ttl: '10m',
  negativeTtl: '5s',
};

/** Every file of the tree, by path, for checking that a failed run left it as it was. */
function snapshot(tree: Tree): Map<string, string> {
  return new Map(tree.listChanges().map((change) => [change.path, change.content?.toString() ?? '']));
}

describe('group generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = workspaceTree();
  });

  it('writes an entity, a rowLoader and its test, and registers and configures the group', async () => {
    await groupGenerator(tree, ORDERS);

    const files = changedFiles(tree);
    expect([...files.keys()].sort()).toEqual([
      `${APP}/groups.ts`,
      `${APP}/groups/orders/order-line.entity.ts`,
      `${APP}/groups/orders/orders-loader.spec.ts`,
      `${APP}/groups/orders/orders-loader.ts`,
      'config/ringcache.yaml',
    ]);

    const entity = files.get(`${APP}/groups/orders/order-line.entity.ts`);
    expect(entity).toContain(`@Entity({ name: 'order_line' })\nexport class OrderLine {`);
    expect(entity).toContain(`  @PrimaryColumn({ type: 'int' })\n  id!: number;`);
    expect(entity).toContain(`  @Column({ type: 'text' })\n  status!: string;`);

    const loader = files.get(`${APP}/groups/orders/orders-loader.ts`);
    expect(loader).toContain(`import { type RowLoader, rowLoader } from '@ringcache/data-source';`);
    expect(loader).toContain(`export function ordersLoader(dataSource: DataSource): RowLoader {`);
    expect(loader).toContain(
      `  return rowLoader({\n    dataSource,\n    table: dataSource.getMetadata(OrderLine).tableName,\n` +
        `    keyColumn: 'id',\n    valueColumn: 'status',\n  });`,
    );
    expect(loader).not.toMatch(/SELECT|WHERE/i);

    const spec = files.get(`${APP}/groups/orders/orders-loader.spec.ts`);
    expect(spec).toContain(`createDataSource({ sqlitePath: ':memory:', entities: [OrderLine] })`);
    expect(spec).toContain(`insert({ id: 1, status: 'status of 1' })`);
    expect(spec).toContain(`expect(text(await ordersLoader(dataSource).load('1'))).toBe('status of 1');`);

    expect(addedLines(realFile(`${APP}/groups.ts`), files.get(`${APP}/groups.ts`) ?? '')).toEqual([
      `import { OrderLine } from './groups/orders/order-line.entity';`,
      `import { ordersLoader } from './groups/orders/orders-loader';`,
      ``,
      `  // orders: a row of \`order_line\` by id → its status.`,
      `  { name: 'orders', entities: [OrderLine], loader: ({ dataSource }) => ordersLoader(dataSource) },`,
    ]);

    const config = files.get('config/ringcache.yaml') ?? '';
    expect(addedLines(realFile('config/ringcache.yaml'), config)).toEqual([
      `  # Loaded by ${APP}/groups/orders (from @ringcache/tools:group).`,
      '  orders:',
      '    maxBytes: 16MiB',
      '    ttl: 10m',
      '    negativeTtl: 5s',
    ]);
    expect(parse(config).groups).toEqual({
      scores: parse(realFile('config/ringcache.yaml')).groups.scores,
      orders: { maxBytes: '16MiB', ttl: '10m', negativeTtl: '5s' },
    });
  });

  it('caches a whole row as JSON, with a string key and snake_case columns', async () => {
    await groupGenerator(tree, {
      name: 'profiles',
      table: 'user_profile',
      keyColumn: 'user_id',
      columns: 'display_name,avatar_url',
    });
    const files = changedFiles(tree);
    expect(files.get(`${APP}/groups/profiles/user-profile.entity.ts`)).toContain(
      `  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 255 })\n  userId!: string;\n\n` +
        `  @Column({ name: 'display_name', type: 'text' })\n  displayName!: string;`,
    );
    const loader = files.get(`${APP}/groups/profiles/profiles-loader.ts`);
    expect(loader).toContain(`columns: entity.columns.map((column) => column.databaseName),`);
    expect(loader).toContain(`encode: (row) => JSON.stringify(row),`);
    expect(files.get(`${APP}/groups/profiles/profiles-loader.spec.ts`)).toContain(
      `    expect(JSON.parse(text(await profilesLoader(dataSource).load('key-1')) ?? 'null')).toEqual({\n` +
        `      user_id: 'key-1',\n      display_name: 'display_name of key-1',\n` +
        `      avatar_url: 'avatar_url of key-1',\n    });`,
    );
  });

  it('uses an existing entity from a path alias or a workspace file instead of writing one', async () => {
    await groupGenerator(tree, ORDERS);
    await groupGenerator(tree, {
      name: 'ranks',
      entity: 'Student',
      entityImport: '@ringcache/data-source',
      keyColumn: 'name',
      valueColumn: 'score',
    });
    await groupGenerator(tree, {
      name: 'order-rows',
      entity: 'OrderLine',
      entityImport: `${APP}/groups/orders/order-line.entity`,
    });
    const files = changedFiles(tree);
    expect([...files.keys()].filter((path) => path.endsWith('.entity.ts'))).toEqual([
      `${APP}/groups/orders/order-line.entity.ts`,
    ]);
    expect(files.get(`${APP}/groups/ranks/ranks-loader.ts`)).toContain(
      `import { type RowLoader, rowLoader, Student } from '@ringcache/data-source';`,
    );
    expect(files.get(`${APP}/groups/order-rows/order-rows-loader.ts`)).toContain(
      `import { OrderLine } from '../orders/order-line.entity';`,
    );
    const groups = files.get(`${APP}/groups.ts`) ?? '';
    // Student and OrderLine are imported once each, however many groups use them.
    expect(groups.match(/\bStudent\b.*from/g)).toHaveLength(1);
    expect(groups.match(/import \{ OrderLine \}/g)).toHaveLength(1);
    expect(groups).toContain(
      `  { name: 'ranks', entities: [Student], loader: ({ dataSource }) => ranksLoader(dataSource) },`,
    );
  });

  it('generates code that type-checks with the app, its libraries and Jest', async () => {
    await groupGenerator(tree, ORDERS);
    await groupGenerator(tree, {
      name: 'profiles',
      table: 'user_profile',
      keyColumn: 'user_id',
      columns: 'a_b,c',
    });
    await groupGenerator(tree, {
      name: 'ranks',
      entity: 'Student',
      entityImport: '@ringcache/data-source',
      keyColumn: 'name',
      valueColumn: 'score',
    });
    await groupGenerator(tree, {
      name: 'order.rows',
      entity: 'OrderLine',
      entityImport: `${APP}/groups/orders/order-line.entity.ts`,
    });
    expect(typeErrors(changedFiles(tree))).toEqual([]);
  });

  it('refuses to add a group twice, changing nothing', async () => {
    await groupGenerator(tree, ORDERS);
    const before = snapshot(tree);
    await expect(groupGenerator(tree, { ...ORDERS, ttl: '1m' })).rejects.toThrow(
      `group orders exists: it is registered in ${APP}/groups.ts already; config/ringcache.yaml configures ` +
        `groups.orders already; ${APP}/groups/orders exists already. Nothing was changed.`,
    );
    expect(snapshot(tree)).toEqual(before);
  });

  it('refuses the name of a group that is only configured', async () => {
    await expect(groupGenerator(tree, { name: 'scores', valueColumn: 'score' })).rejects.toThrow(
      /^group scores exists: it is registered in .*; config\/ringcache.yaml configures groups.scores already\./,
    );
  });

  it('refuses an entity class that groups.ts already imports from elsewhere, and says what to do', async () => {
    const before = snapshot(tree);
    await expect(
      groupGenerator(tree, { name: 'pupils', table: 'student', valueColumn: 'name' }),
    ).rejects.toThrow(
      `--entity: ${APP}/groups.ts imports from @ringcache/data-source a Student already: pass ` +
        `--entity=<ClassName> to name the new entity differently, or reuse that one with --entity=Student ` +
        `--entityImport=@ringcache/data-source`,
    );
    expect(snapshot(tree)).toEqual(before);
    await groupGenerator(tree, { name: 'pupils', table: 'student', entity: 'Pupil', valueColumn: 'name' });
    expect(tree.exists(`${APP}/groups/pupils/pupil.entity.ts`)).toBe(true);
  });

  it('refuses an --entityImport that does not lead to the entity', async () => {
    await expect(
      groupGenerator(tree, {
        name: 'a',
        entity: 'Order',
        entityImport: 'apps/cache-node/src/app/order.entity',
      }),
    ).rejects.toThrow(
      '--entityImport: is neither a path alias of tsconfig.base.json nor a .ts file of the workspace',
    );
    await expect(
      groupGenerator(tree, { name: 'a', entity: 'Order', entityImport: '@ringcache/data-source' }),
    ).rejects.toThrow(
      '--entityImport: @ringcache/data-source (libs/data-source/src/index.ts) does not export Order',
    );
    await expect(
      groupGenerator(tree, { name: 'a', entity: 'Order', entityImport: `${APP}/groups.ts` }),
    ).rejects.toThrow(`--entityImport: ${APP}/groups.ts does not export a class Order`);
  });

  it('reports bad options before touching anything', async () => {
    const before = snapshot(tree);
    await expect(groupGenerator(tree, { ...ORDERS, name: 'my orders', ttl: 'soon' })).rejects.toThrow(
      'invalid options for @ringcache/tools:group:\n' +
        '--name: must be a group name: 1 to 64 of A-Z a-z 0-9 _ . -, got "my orders"\n' +
        '--ttl: must be a duration: an integer of milliseconds or numbers with units ms, s, m, h, d, ' +
        'e.g. "500ms", "30s", "1h30m", got "soon"',
    );
    expect(snapshot(tree)).toEqual(before);
  });

  it('says where to run it when the workspace files are missing', async () => {
    tree.delete('config/ringcache.yaml');
    await expect(groupGenerator(tree, ORDERS)).rejects.toThrow(
      'config/ringcache.yaml not found: run the generator at the root of the ringcache workspace',
    );
  });
});
