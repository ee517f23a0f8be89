import { typeErrors } from './compile';

describe('typeErrors', () => {
  it('reports what does not compile, resolving workspace aliases and neighbours in the overlay', () => {
    const errors = typeErrors(
      new Map([
        ['apps/cache-node/src/app/x/a.ts', `export const a: number = 1;\n`],
        [
          'apps/cache-node/src/app/x/b.ts',
          `import { rowLoader } from '@ringcache/data-source';\nimport { a } from './a';\n` +
            `export const b: string = a;\nexport const c = rowLoader;\n`,
        ],
      ]),
    );
    expect(errors).toEqual([
      "apps/cache-node/src/app/x/b.ts:3: Type 'number' is not assignable to type 'string'.",
    ]);
  });
});
