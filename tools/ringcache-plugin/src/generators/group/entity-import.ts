import { posix } from 'node:path';

import type { Tree } from '@nx/devkit';
import ts from 'typescript';

/** Where an existing entity comes from: a tsconfig path alias, or a `.ts` file of the workspace. */
export type EntitySource = { alias: string } | { file: string };

/**
 * Resolves `--entityImport`: a key of `tsconfig.base.json`'s paths (`@ringcache/data-source`), else a
 * workspace file (`apps/cache-node/src/app/entities/order.entity`, `.ts` optional). Returns the problem as
 * text when it is neither, or when the module visibly does not export `className`.
 */
export function resolveEntityImport(
  tree: Tree,
  entityImport: string,
  className: string,
): EntitySource | string {
  const paths = tsconfigPaths(tree);
  if (Object.hasOwn(paths, entityImport)) {
    const target = paths[entityImport]?.[0]?.replace(/^\.\//, '');
    if (target && tree.exists(target) && !exportsName(tree.read(target, 'utf-8') ?? '', className)) {
      return `${entityImport} (${target}) does not export ${className}`;
    }
    return { alias: entityImport };
  }
  const file = posix.normalize(entityImport.replace(/\\/g, '/')).replace(/^\.\//, '');
  const withExtension = file.endsWith('.ts') ? file : `${file}.ts`;
  if (!tree.isFile(withExtension)) {
    return `is neither a path alias of tsconfig.base.json nor a .ts file of the workspace`;
  }
  if (!exportsName(tree.read(withExtension, 'utf-8') ?? '', className)) {
    return `${withExtension} does not export a class ${className}`;
  }
  return { file: withExtension };
}

/** The module specifier that imports `source` from a file in `fromDir`. */
export function specifierFrom(fromDir: string, source: EntitySource): string {
  if ('alias' in source) return source.alias;
  const relative = posix.relative(fromDir, source.file).replace(/\.ts$/, '');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

function tsconfigPaths(tree: Tree): Record<string, string[]> {
  const text = tree.read('tsconfig.base.json', 'utf-8');
  if (!text) return {};
  const { config } = ts.parseConfigFileTextToJson('tsconfig.base.json', text);
  return (config?.compilerOptions?.paths as Record<string, string[]> | undefined) ?? {};
}

/** True when the module exports `name` — or re-exports a whole module (`export *`), which is not followed. */
function exportsName(text: string, name: string): boolean {
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  return source.statements.some((statement) => {
    if (ts.isClassDeclaration(statement)) return exported(statement) && statement.name?.text === name;
    if (ts.isVariableStatement(statement)) {
      return (
        exported(statement) &&
        statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)
      );
    }
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!clause) return true;
      return ts.isNamedExports(clause) && clause.elements.some((e) => e.name.text === name);
    }
    return false;
  });
}
