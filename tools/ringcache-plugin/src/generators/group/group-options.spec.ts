import { type GroupGeneratorOptions, GroupOptionsError, planGroup } from './group-options';

/** The problems planGroup reports for `options`, one per line. */
function problems(options: Partial<GroupGeneratorOptions>): string[] {
  try {
    planGroup({ name: 'orders', valueColumn: 'status', ...options } as GroupGeneratorOptions);
  } catch (error) {
    if (error instanceof GroupOptionsError) return error.issues;
    throw error;
  }
  return [];
}

describe('planGroup', () => {
  it('applies the defaults', () => {
    const plan = planGroup({ name: 'order-items', valueColumn: 'status' });
    expect(plan).toMatchObject({
      name: 'order-items',
      dir: 'apps/cache-node/src/app/groups/order-items',
      loaderFunction: 'orderItemsLoader',
      loaderFile: 'apps/cache-node/src/app/groups/order-items/order-items-loader.ts',
      specFile: 'apps/cache-node/src/app/groups/order-items/order-items-loader.spec.ts',
      keyColumn: 'id',
      value: { kind: 'column', column: 'status' },
      entity: {
        kind: 'generated',
        className: 'OrderItems',
        file: 'apps/cache-node/src/app/groups/order-items/order-items.entity.ts',
        table: 'order_items',
        key: { column: 'id', property: 'id', type: 'int' },
        columns: [{ column: 'status', property: 'status' }],
      },
      settings: { maxBytes: '64MiB', ttl: '5m', negativeTtl: '30s' },
    });
  });

  it('maps snake_case columns to camelCase properties and caches the row as JSON without a value column', () => {
    const plan = planGroup({
      name: 'profiles',
      table: 'user_profile',
      keyColumn: 'user_id',
      columns: 'display_name, avatar_url',
      ttl: 0,
    });
    expect(plan.value).toEqual({ kind: 'row' });
    expect(plan.entity).toMatchObject({
      className: 'UserProfile',
      key: { column: 'user_id', property: 'userId', type: 'string' },
      columns: [
        { column: 'display_name', property: 'displayName' },
        { column: 'avatar_url', property: 'avatarUrl' },
      ],
    });
    expect(plan.settings.ttl).toBe('0');
  });

  it('uses an existing entity as given', () => {
    const plan = planGroup({ name: 'ranks', entity: 'Student', entityImport: '@ringcache/data-source' });
    expect(plan.entity).toEqual({
      kind: 'existing',
      className: 'Student',
      entityImport: '@ringcache/data-source',
    });
    expect(plan.value).toEqual({ kind: 'row' });
  });

  it('treats empty answers as absent (the Nest CLI prompts answer so)', () => {
    expect(
      planGroup({ name: 'orders', table: '', keyColumn: '', valueColumn: 'status', columns: '' }),
    ).toMatchObject({
      keyColumn: 'id',
      entity: { table: 'orders' },
    });
  });

  it.each<[string, Partial<GroupGeneratorOptions>, string]>([
    [
      'a name with a space',
      { name: 'my orders' },
      '--name: must be a group name: 1 to 64 of A-Z a-z 0-9 _ . -, got "my orders"',
    ],
    ['an empty name', { name: '' }, '--name: must be a group name'],
    ['a name of 65 characters', { name: 'a'.repeat(65) }, '--name: must be a group name'],
    [
      'a name starting with a digit',
      { name: '2fa' },
      '--name: becomes the function name 2FaLoader, not a TypeScript identifier: start it with a letter, got "2fa"',
    ],
    ['a table that is no SQL identifier', { table: 'order-line' }, '--table: must be an SQL identifier'],
    ['a default table that is no SQL identifier', { name: '9.lives' }, '--name: becomes the function name'],
    [
      'a key column that is no SQL identifier',
      { keyColumn: 'id;drop' },
      '--keyColumn: must be an SQL identifier',
    ],
    [
      'a value column equal to the key',
      { valueColumn: 'id' },
      '--valueColumn: must differ from the key column (id)',
    ],
    [
      'a value column and columns',
      { columns: 'a,b' },
      '--columns: give either --valueColumn or --columns, not both',
    ],
    [
      'no value column and no columns',
      { valueColumn: undefined },
      '--valueColumn: is required for a generated entity',
    ],
    [
      'columns listing the key',
      { valueColumn: undefined, columns: 'id,total' },
      '--columns: lists the key column id',
    ],
    [
      'columns listing one twice',
      { valueColumn: undefined, columns: 'a,a' },
      '--columns: lists a column twice',
    ],
    [
      'a bad column in columns',
      { valueColumn: undefined, columns: 'a,,b' },
      '--columns: each column must be an SQL identifier',
    ],
    ['a bad key type', { keyType: 'uuid' as 'int' }, '--keyType: must be int or string, got "uuid"'],
    [
      'an entity class that is no class name',
      { entity: 'order_line' },
      '--entity: must be a class name in PascalCase',
    ],
    [
      'a table whose class is a global',
      { table: 'date' },
      '--table: the entity class would be Date, a JavaScript or Node.js global',
    ],
    [
      'an entityImport without entity',
      { entityImport: '@ringcache/data-source' },
      '--entity: is required with --entityImport',
    ],
    [
      'a table with entityImport',
      { entity: 'Student', entityImport: '@ringcache/data-source', table: 'student' },
      '--table: only applies to a generated entity',
    ],
    [
      'a size without a unit we know',
      { maxBytes: '64 megs' },
      '--maxBytes: must be a size: an integer of bytes',
    ],
    ['a zero budget', { maxBytes: '0' }, '--maxBytes: must be at least 1, got "0"'],
    ['a ttl in words', { ttl: 'soon' }, '--ttl: must be a duration: an integer of milliseconds'],
    ['a negative ttl', { negativeTtl: '-5s' }, '--negativeTtl: must be a duration'],
  ])('refuses %s, naming the option', (_, options, message) => {
    expect(problems(options)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it('reports a bad name once, not again for the names made from it', () => {
    expect(problems({ name: '2fa' })).toHaveLength(1);
    expect(problems({ name: 'no way' })).toHaveLength(1);
  });

  it('reports every problem at once', () => {
    expect(() => planGroup({ name: 'x y', ttl: 'soon', maxBytes: 'big', valueColumn: 'v' })).toThrow(
      /^invalid options for @ringcache\/tools:group:\n--name: .*\n--maxBytes: .*\n--ttl: .*$/,
    );
  });
});
