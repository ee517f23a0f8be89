#!/usr/bin/env node
// Writes the ES module entries of a compiled package: for each entry of its package.json `exports` with an
// `import` and a `require` condition, a thin `.mjs` that re-exports the CommonJS build's exports by name, and
// a `.d.mts` that re-exports its types. ESM and CommonJS callers so share one instance of every class (no
// dual-package hazard: `instanceof` of an error holds whichever way it was loaded).
//
// usage: node tools/build/esm-wrappers.mjs dist/libs/client
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const packageDir = resolve(process.argv[2] ?? '');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const requireFromPackage = createRequire(join(packageDir, 'package.json'));
const HEADER =
  '// Written by tools/build/esm-wrappers.mjs: the ES module face of the CommonJS build. Do not edit.\n';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `./a/b.js` from a package-relative path, as an import specifier. */
const relativeSpecifier = (path) => (path.startsWith('./') ? path : `./${path}`);

/**
 * The .mjs of one entry. It loads the CommonJS build with require() rather than `import cjs from`, so that a
 * build that throws while loading (the nest entry without Nest installed) only rejects the importer's
 * `import()`: Node 20 reports an error thrown under a static import of CommonJS as uncaught too.
 */
function esmWrapper(from, names) {
  const exported = names.map((name) => `  ${name},`).join('\n');
  return `${HEADER}import { createRequire } from 'node:module';

const cjs = createRequire(import.meta.url)('${from}');

export const {
${exported}
} = cjs;
`;
}

let written = 0;
for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
  const esm = conditions?.import;
  const cjs = conditions?.require;
  if (!esm?.default || !cjs?.default) continue;
  const names = Object.keys(requireFromPackage(relativeSpecifier(cjs.default))).filter(
    (name) => name !== 'default' && name !== '__esModule',
  );
  const odd = names.filter((name) => !IDENTIFIER.test(name));
  if (odd.length) throw new Error(`esm-wrappers: ${subpath} exports names that are not identifiers: ${odd}`);
  const from = relativeSpecifier(cjs.default);
  writeFileSync(join(packageDir, esm.default), esmWrapper(from, names));
  if (esm.types) {
    // The .js specifier: TypeScript finds the CommonJS build's .d.ts beside it.
    writeFileSync(join(packageDir, esm.types), `${HEADER}export * from '${from}';\n`);
  }
  written++;
}
if (!written)
  throw new Error(`esm-wrappers: no export with both import and require conditions in ${packageDir}`);
console.log(`esm-wrappers: ${written} ES module entries in ${packageDir}`);
