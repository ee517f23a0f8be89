import { readGroupsFile, registerGroup, type Registration } from './groups-registration';
import { addedLines } from '../../testing/added-lines';
import { realFile } from '../../testing/workspace';

const PATH = 'apps/cache-node/src/app/groups.ts';
const ORDERS: Registration = {
  name: 'orders',
  imports: [
    { name: 'OrderLine', from: './groups/orders/order-line.entity' },
    { name: 'ordersLoader', from: './groups/orders/orders-loader' },
  ],
  entry: `{ name: 'orders', entities: [OrderLine], loader: ({ dataSource }) => ordersLoader(dataSource) }`,
  comment: 'orders: a row of `order_line` by id → its status.',
};

describe('groups.ts', () => {
  const real = realFile(PATH);

  it('reads the registered groups and what the file binds', () => {
    const file = readGroupsFile(real, PATH);
    expect(file.names).toEqual(['scores']);
    expect(file.bindings).toEqual(
      new Map([
        ['scoresLoader', '@ringcache/data-source'],
        ['Student', '@ringcache/data-source'],
        ['GroupDefinition', '@ringcache/node-runtime'],
        ['groups', ''],
      ]),
    );
  });

  it('adds imports and an entry to the real file, keeping every line of it', () => {
    const after = registerGroup(real, PATH, ORDERS);
    expect(addedLines(real, after)).toEqual([
      `import { OrderLine } from './groups/orders/order-line.entity';`,
      `import { ordersLoader } from './groups/orders/orders-loader';`,
      ``,
      `  // orders: a row of \`order_line\` by id → its status.`,
      `  { name: 'orders', entities: [OrderLine], loader: ({ dataSource }) => ordersLoader(dataSource) },`,
    ]);
    // The relative imports come after the package imports, a blank line between.
    expect(after).toContain(
      `import type { GroupDefinition } from '@ringcache/node-runtime';\n\nimport { OrderLine } from`,
    );
    expect(readGroupsFile(after, PATH).names).toEqual(['scores', 'orders']);
  });

  it('reuses a name imported from the same module and adds to an existing import', () => {
    const after = registerGroup(real, PATH, {
      name: 'ranks',
      imports: [
        { name: 'Student', from: '@ringcache/data-source' },
        { name: 'DEMO_TABLE', from: '@ringcache/data-source' },
        { name: 'ranksLoader', from: './groups/ranks/ranks-loader' },
      ],
      entry: `{ name: 'ranks', entities: [Student], loader: ({ dataSource }) => ranksLoader(dataSource) }`,
      comment: 'ranks',
    });
    expect(after).toContain(`import { scoresLoader, Student, DEMO_TABLE } from '@ringcache/data-source';`);
    expect(after.match(/Student } from|Student,/g)).toHaveLength(1);
  });

  it.each([
    ['an empty array', `export const groups = [];\n`],
    ['a one-line array without a trailing comma', `export const groups = [a, b];\n`],
    ['an array without a trailing comma', `export const groups = [\n  a,\n  b\n];\n`],
    ['an annotated array with satisfies', `export const groups = [\n  a,\n] satisfies unknown[];\n`],
  ])('edits %s', (_, text) => {
    const after = registerGroup(text, PATH, ORDERS);
    expect(readGroupsFile(after, PATH).names).toEqual(['orders']);
    expect(after.startsWith(`import { OrderLine } from './groups/orders/order-line.entity';\n`)).toBe(true);
  });

  it('refuses a file without a groups array literal', () => {
    expect(() => readGroupsFile(`export const groups = load();\n`, PATH)).toThrow(
      `${PATH} has no \`export const groups: GroupDefinition[] = [ … ]\` array literal to add the group to`,
    );
  });
});
