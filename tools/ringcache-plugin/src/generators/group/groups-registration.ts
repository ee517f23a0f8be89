import ts from 'typescript';

import type { Import } from './imports';

/** What `apps/cache-node/src/app/groups.ts` holds, as far as adding a group is concerned. */
export interface GroupsFile {
  /** Names of the groups in the `groups` array that are written as literals (`{ name: 'scores', … }`). */
  names: string[];
  /** Every top-level name the file binds → the module it is imported from ('' for a local declaration). */
  bindings: Map<string, string>;
}

/** A group to add: the imports it needs, its array entry, and a one-line comment above it. */
export interface Registration {
  name: string;
  imports: Import[];
  entry: string;
  comment: string;
}

/** Reads the groups and bindings of groups.ts; throws when there is no `groups` array literal to edit. */
export function readGroupsFile(text: string, path: string): GroupsFile {
  const source = parse(text, path);
  const names = groupsArray(source, path)
    .elements.filter(ts.isObjectLiteralExpression)
    .flatMap((element) => {
      const property = element.properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === 'name',
      );
      return property && ts.isStringLiteralLike(property.initializer) ? [property.initializer.text] : [];
    });
  const bindings = new Map<string, string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const from = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause?.name) bindings.set(clause.name.text, from);
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named)) bindings.set(named.name.text, from);
      if (named && ts.isNamedImports(named)) for (const e of named.elements) bindings.set(e.name.text, from);
    } else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name) {
      bindings.set(statement.name.text, '');
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name)) bindings.set(d.name.text, '');
    }
  }
  return { names, bindings };
}

/**
 * Returns groups.ts with the group added: its imports (merged into an existing import of the same module,
 * else a new declaration after the imports of its kind) and its entry at the end of the `groups` array.
 * Edits the text at positions found by the TypeScript parser, so comments, other entries and formatting
 * stay as they are. Names already imported from the same module are reused; conflicts are the caller's
 * to rule out first (see {@link readGroupsFile}).
 */
export function registerGroup(text: string, path: string, registration: Registration): string {
  const source = parse(text, path);
  const { bindings } = readGroupsFile(text, path);
  const edits: { at: number; text: string }[] = [];

  const imports = source.statements.filter(ts.isImportDeclaration);
  const missing = registration.imports.filter(({ name }) => !bindings.has(name));
  const byModule = new Map<string, string[]>();
  for (const { name, from } of missing) byModule.set(from, [...(byModule.get(from) ?? []), name]);
  const newDeclarations: string[] = [];
  for (const [from, names] of byModule) {
    const existing = imports.find(
      (i) =>
        ts.isStringLiteral(i.moduleSpecifier) &&
        i.moduleSpecifier.text === from &&
        !i.importClause?.isTypeOnly &&
        i.importClause?.namedBindings &&
        ts.isNamedImports(i.importClause.namedBindings) &&
        i.importClause.namedBindings.elements.length > 0,
    );
    const elements = (existing?.importClause?.namedBindings as ts.NamedImports | undefined)?.elements;
    if (elements) edits.push({ at: elements[elements.length - 1].end, text: `, ${names.join(', ')}` });
    else newDeclarations.push(from);
  }
  for (const relative of [false, true]) {
    const block = newDeclarations
      .filter((from) => from.startsWith('.') === relative)
      .map((from) => `import { ${(byModule.get(from) as string[]).join(', ')} } from '${from}';`)
      .join('\n');
    if (block === '') continue;
    const sameKind = imports.filter((i) => moduleOf(i).startsWith('.') === relative);
    if (sameKind.length > 0) {
      edits.push({ at: sameKind[sameKind.length - 1].end, text: `\n${block}` });
    } else if (imports.length > 0) {
      // The first relative import goes after the package imports, the first package import before the
      // relative ones; a blank line separates the two kinds.
      edits.push(
        relative
          ? { at: imports[imports.length - 1].end, text: `\n\n${block}` }
          : { at: imports[0].getStart(source), text: `${block}\n\n` },
      );
    } else {
      edits.push({ at: 0, text: `${block}\n\n` });
    }
  }

  const array = groupsArray(source, path);
  const first = array.elements[0];
  const indent = first
    ? ' '.repeat(source.getLineAndCharacterOfPosition(first.getStart(source)).character)
    : '  ';
  const lines = `${indent}// ${registration.comment}\n${indent}${registration.entry},\n`;
  const last = array.elements[array.elements.length - 1];
  if (last && !array.elements.hasTrailingComma) edits.push({ at: last.end, text: ',' });
  const close = array.getEnd() - 1;
  const lineStart = text.lastIndexOf('\n', close - 1) + 1;
  if (text.slice(lineStart, close).trim() === '') edits.push({ at: lineStart, text: lines });
  else edits.push({ at: close, text: `\n${lines}` });

  // From the end backwards, so earlier positions stay valid; of two edits at one position, the one made
  // first ends up first.
  let result = text;
  const ordered = edits.map((edit, i) => ({ ...edit, i })).sort((a, b) => b.at - a.at || b.i - a.i);
  for (const edit of ordered) {
    result = result.slice(0, edit.at) + edit.text + result.slice(edit.at);
  }
  checkResult(result, path, registration.name);
  return result;
}

/** The edited file must still parse, and list the group. */
function checkResult(text: string, path: string, name: string): void {
  const { diagnostics } = ts.transpileModule(text, { fileName: path, reportDiagnostics: true });
  if (diagnostics?.length || !readGroupsFile(text, path).names.includes(name)) {
    const why = diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ');
    throw new Error(
      `could not add group ${name} to ${path} safely${why ? `: ${why}` : ''}; nothing was changed`,
    );
  }
}

function parse(text: string, path: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The array literal of `export const groups … = [ … ]`. */
function groupsArray(source: ts.SourceFile, path: string): ts.ArrayLiteralExpression {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== 'groups') continue;
      let value = declaration.initializer;
      while (
        value &&
        (ts.isAsExpression(value) || ts.isSatisfiesExpression(value) || ts.isParenthesizedExpression(value))
      ) {
        value = value.expression;
      }
      if (value && ts.isArrayLiteralExpression(value)) return value;
    }
  }
  throw new Error(
    `${path} has no \`export const groups: GroupDefinition[] = [ … ]\` array literal to add the group to`,
  );
}

function moduleOf(declaration: ts.ImportDeclaration): string {
  return ts.isStringLiteral(declaration.moduleSpecifier) ? declaration.moduleSpecifier.text : '';
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : undefined;
}
