import { execFile } from 'node:child_process';
import { join } from 'node:path';

import { toolEnv, workspaceRoot } from '@ringcache/testing';

/** What one run of the CLI printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `ringcache` bin of the workspace package tools/cli, as `npx ringcache` runs it. */
export const CLI_BIN = join(workspaceRoot(), 'tools/cli/bin/ringcache.js');

/** Runs `node <bin> ...args` to its end (killed after 60 s), with a clean environment. */
export function ringcache(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { env: toolEnv(), timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The one JSON document a `--json` run printed. */
export function parsed(run: CliRun): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}
