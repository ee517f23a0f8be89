#!/usr/bin/env node
// Compiles one Node entry project (an app or a tool) with the TypeScript compiler into a folder that runs
// as plain Node.js, with no bundler and no runtime hook: imports of `@ringcache/<lib>` are rewritten at
// emit time into relative paths to the compiled library beside the app, so `node <out>/main.js` works
// anywhere the folder and node_modules are. Decorator metadata is kept (NestJS needs it).
//
// usage: node tools/build/compile-node.mjs --project apps/cache-node --tsconfig tsconfig.app.json \
//          --main src/main.ts --out dist/apps/cache-node [--assets extra/file,...]
// .proto files beside any compiled library source are copied along automatically.
//
// --package compiles a library to publish instead: no main.js, no source maps, helpers inlined (no tslib at
// run time), and imports of workspace libraries point at the files declaring each name (direct-imports.mjs),
// so the package loads, and ships, only the modules it uses.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep, posix } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';

import { directImportSources, hostWithSources } from './direct-imports.mjs';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const { values: args } = parseArgs({
  options: {
    project: { type: 'string' },
    tsconfig: { type: 'string', default: 'tsconfig.app.json' },
    main: { type: 'string', default: 'src/main.ts' },
    out: { type: 'string' },
    assets: { type: 'string', default: '' },
    package: { type: 'boolean', default: false },
  },
});
if (!args.project || !args.out) {
  console.error('compile-node: --project and --out are required');
  process.exit(2);
}

const projectDir = resolve(root, args.project);
const finalDir = resolve(root, args.out);
// Build beside the target and swap it in at the end, so a running process or test never finds the
// output half-written or gone.
const outDir = `${finalDir}.building-${process.pid}`;
const configPath = join(projectDir, args.tsconfig);
const parsed = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {
    outDir,
    rootDir: root,
    noEmit: false,
    ...(args.package && { importHelpers: false, sourceMap: false, declarationMap: false }),
  },
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => fail([d]),
  },
);
if (!parsed) process.exit(1);
if (parsed.errors.length) fail(parsed.errors);

const paths = parsed.options.paths ?? {};
/** `@ringcache/lru` → absolute path of the library's entry source file, from tsconfig paths. */
const aliases = new Map(
  Object.entries(paths)
    .filter(([key, targets]) => !key.includes('*') && targets.length === 1)
    .map(([key, [target]]) => [key, resolve(root, target)]),
);

/** Turns an alias into a relative specifier from the emitting file to the compiled target. */
function rewrite(specifier, fromSource) {
  const target = aliases.get(specifier);
  if (!target) return undefined;
  let rel = relative(dirname(fromSource), target).split(sep).join(posix.sep).replace(/\.ts$/, '');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

const rewriteAliases = (context) => (sourceFile) => {
  const visit = (node) => {
    const f = context.factory;
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.Identifier &&
      node.expression.text === 'require' &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      const to = rewrite(node.arguments[0].text, sourceFile.fileName);
      if (to) return f.updateCallExpression(node, node.expression, undefined, [f.createStringLiteral(to)]);
    }
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const to =
        ts.isStringLiteral(node.moduleSpecifier) && rewrite(node.moduleSpecifier.text, sourceFile.fileName);
      if (to && ts.isImportDeclaration(node)) {
        return f.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          f.createStringLiteral(to),
          node.attributes,
        );
      }
      if (to && ts.isExportDeclaration(node)) {
        return f.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          f.createStringLiteral(to),
          node.attributes,
        );
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return ts.visitNode(sourceFile, visit);
};

/** `program` again, its files importing workspace libraries by the declaring files instead of the barrels. */
function withDirectImports(program) {
  const host = hostWithSources(ts.createCompilerHost(parsed.options), directImportSources(program, aliases));
  const direct = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    host,
    oldProgram: program,
  });
  const errors = ts.getPreEmitDiagnostics(direct);
  if (errors.length) fail(errors);
  return direct;
}

function fail(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}

rmSync(outDir, { recursive: true, force: true });
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
const whole = ts.createProgram({
  rootNames: parsed.fileNames,
  options: parsed.options,
  projectReferences: parsed.projectReferences,
});
const diagnostics = ts.getPreEmitDiagnostics(whole);
if (diagnostics.length) fail(diagnostics);
const program = args.package ? withDirectImports(whole) : whole;
const emitted = program.emit(undefined, undefined, undefined, false, {
  before: [rewriteAliases],
  afterDeclarations: [rewriteAliases],
});
if (emitted.diagnostics.length) fail(emitted.diagnostics);

// Runtime files that live beside a library's sources (.proto definitions, files a server sends as they are
// from a `static/` folder) go where the compiled library will look for them: the same path relative to the
// output folder.
const RUNTIME_ASSET = /\.proto$|(^|[\\/])static[\\/][^\\/]+\.(html|js|css)$/;
const sourceRoots = new Set(
  program
    .getSourceFiles()
    .map((file) => relative(root, file.fileName).split(sep))
    .filter((parts) => parts[0] !== 'node_modules' && parts[2] === 'src')
    .map((parts) => parts.slice(0, 3).join(sep)),
);
const runtimeAssets = [...sourceRoots].flatMap((dir) =>
  readdirSync(resolve(root, dir), { recursive: true })
    .map(String)
    .filter((file) => RUNTIME_ASSET.test(file))
    .map((file) => join(dir, file)),
);

for (const asset of [...runtimeAssets, ...args.assets.split(',').filter(Boolean)]) {
  const from = resolve(root, asset);
  if (!existsSync(from)) {
    console.error(`compile-node: asset not found: ${asset}`);
    process.exit(1);
  }
  const to = join(outDir, relative(root, from));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}

if (!args.package) {
  const entry = relative(root, join(projectDir, args.main))
    .split(sep)
    .join(posix.sep)
    .replace(/\.ts$/, '.js');
  writeFileSync(
    join(outDir, 'main.js'),
    `'use strict';\n// Entry point written by tools/build/compile-node.mjs.\nrequire('./${entry}');\n`,
  );
}
rmSync(finalDir, { recursive: true, force: true });
renameSync(outDir, finalDir);
console.log(
  `compiled ${relative(root, projectDir)} → ${relative(root, finalDir)}${args.package ? '' : '/main.js'}`,
);
