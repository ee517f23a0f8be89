// Rewrites imports of workspace library aliases (`import { X } from '@ringcache/lib'`) into imports of the
// files that declare each name, so a compiled package loads only the modules it uses. A library's barrel
// re-exports its Nest module beside its plain classes; through the barrel, a client that needs one plain
// class would load Nest too. Sources keep their one door per library; only the package build goes around it.
import { dirname, relative, sep, posix } from 'node:path';
import ts from 'typescript';

/** True for a file of the workspace (not of node_modules). */
const isOwnFile = (file) => !file.isDeclarationFile && !file.fileName.split(/[\\/]/).includes('node_modules');

/** Relative specifier from `fromFile` to the module `toFile`, without extension. */
function specifier(fromFile, toFile) {
  let rel = relative(dirname(fromFile), toFile)
    .split(sep)
    .join(posix.sep)
    .replace(/\.tsx?$/, '');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/**
 * The declaring file and the name it exports `alias` under, or undefined when the name is not declared in a
 * workspace file (a namespace, a default export, a package's type): then the import stays on the barrel.
 */
function declaringExport(checker, alias) {
  if (!alias) return undefined;
  const target = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
  const file = target.declarations?.[0]?.getSourceFile();
  if (!file || !isOwnFile(file)) return undefined;
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (!moduleSymbol) return undefined;
  const exported = checker.getExportsOfModule(moduleSymbol).find((s) => {
    const resolved = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    return resolved === target;
  });
  return exported && { file: file.fileName, name: exported.name };
}

/** Replacement text for one import or export declaration from an alias, or undefined to keep it. */
function rewriteDeclaration(checker, statement, sourceFile) {
  const isImport = ts.isImportDeclaration(statement);
  const clause = isImport ? statement.importClause : statement;
  const named = isImport ? clause?.namedBindings : statement.exportClause;
  if (!named || !(ts.isNamedImports(named) || ts.isNamedExports(named))) return undefined;
  if (isImport && clause.name) return undefined; // a default import: keep
  const wholeTypeOnly = clause.isTypeOnly;
  const groups = new Map();
  for (const element of named.elements) {
    const alias = isImport
      ? checker.getSymbolAtLocation(element.name)
      : checker.getExportSpecifierLocalTargetSymbol(element);
    const found = declaringExport(checker, alias);
    if (!found) return undefined;
    const local = element.name.text;
    const text = `${element.isTypeOnly ? 'type ' : ''}${found.name === local ? local : `${found.name} as ${local}`}`;
    groups.set(found.file, [...(groups.get(found.file) ?? []), text]);
  }
  const keyword = `${isImport ? 'import' : 'export'}${wholeTypeOnly ? ' type' : ''}`;
  return [...groups]
    .map(
      ([file, names]) => `${keyword} { ${names.join(', ')} } from '${specifier(sourceFile.fileName, file)}';`,
    )
    .join(' ');
}

/**
 * The source text of every workspace file of `program` that imports one of `aliases`, with those imports
 * pointing at the declaring files. Line numbers are kept (the replacement is padded to the lines it replaces).
 */
export function directImportSources(program, aliases) {
  const checker = program.getTypeChecker();
  const rewritten = new Map();
  for (const sourceFile of program.getSourceFiles().filter(isOwnFile)) {
    let text = sourceFile.text;
    const statements = sourceFile.statements.filter(
      (s) =>
        (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
        s.moduleSpecifier &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        aliases.has(s.moduleSpecifier.text),
    );
    // From the last to the first, so earlier offsets stay valid.
    for (const statement of statements.reverse()) {
      const replacement = rewriteDeclaration(checker, statement, sourceFile);
      if (replacement === undefined) continue;
      const start = statement.getStart(sourceFile);
      const lines = text.slice(start, statement.end).split('\n').length - 1;
      text = text.slice(0, start) + replacement + '\n'.repeat(lines) + text.slice(statement.end);
    }
    if (text !== sourceFile.text) rewritten.set(sourceFile.fileName, text);
  }
  return rewritten;
}

/** A compiler host that reads the files of `rewritten` from memory and everything else as `host` does. */
export function hostWithSources(host, rewritten) {
  return {
    ...host,
    getSourceFile(fileName, languageVersion, onError, shouldCreate) {
      const text = rewritten.get(fileName);
      if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion);
      return host.getSourceFile(fileName, languageVersion, onError, shouldCreate);
    },
  };
}
