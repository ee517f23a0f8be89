import { join, relative } from 'node:path';

import ts from 'typescript';

import { WORKSPACE_ROOT } from './workspace';

/**
 * Type-checks `files` (workspace path → content) as if they were in the workspace, without writing them:
 * a compiler host serves them over the real files, and everything else — the libraries behind the
 * `@ringcache/*` aliases, node_modules — comes from disk. Options are the cache-node app's spec options
 * (the strictest the generated files meet: app code and a Jest spec). Returns the diagnostics as text.
 */
export function typeErrors(files: Map<string, string>): string[] {
  const overlay = new Map([...files].map(([path, text]) => [join(WORKSPACE_ROOT, path), text]));
  const config = ts.getParsedCommandLineOfConfigFile(
    join(WORKSPACE_ROOT, 'apps/cache-node/tsconfig.spec.json'),
    { noEmit: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(d) },
  ) as ts.ParsedCommandLine;
  const host = ts.createCompilerHost(config.options, true);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (file) => overlay.has(file) || fileExists.call(host, file);
  host.readFile = (file) => overlay.get(file) ?? readFile.call(host, file);
  host.directoryExists = (dir) =>
    [...overlay.keys()].some((file) => file.startsWith(`${dir}/`)) ||
    (directoryExists?.call(host, dir) ?? false);
  host.getSourceFile = (file, language, onError, create) => {
    const text = overlay.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, onError, create)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram({
    rootNames: [...overlay.keys()].filter((file) => file.endsWith('.ts')),
    options: config.options,
    host,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${relative(WORKSPACE_ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `
      : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

function fail(diagnostic: ts.Diagnostic): never {
  throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}
