import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startProcess } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { onLoadCores } from '../env/cpu-pinning';
import type { LoadResult, LoadSpec } from './load-spec';

let sequence = 0;

/**
 * Runs one load in a separate load-runner process, pinned to the load core, and returns its result.
 * The runner is stopped by pid if this process is interrupted (the testing helpers track it).
 */
export function runLoad(context: BenchContext, spec: LoadSpec): Promise<LoadResult> {
  return startLoad(context, spec).result;
}

/** A load runner started, and its result to come. */
export interface StartedLoad {
  /** Sends a signal to the runner while it runs (SIGSTOP and SIGCONT pause and resume it: paired.ts). */
  signal(signal: NodeJS.Signals): void;
  result: Promise<LoadResult>;
}

/** Starts one load as `runLoad` does, without waiting for it. */
export function startLoad(context: BenchContext, spec: LoadSpec): StartedLoad {
  const id = ++sequence;
  const specFile = join(context.workDir, `load-${id}.spec.json`);
  const resultFile = join(context.workDir, `load-${id}.result.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const [command, args] = onLoadCores(context.pins, process.execPath, [
    join(__dirname, 'load-runner.js'),
    specFile,
    resultFile,
  ]);
  const runner = startProcess({ name: `load-${id}`, command, args, env: process.env });
  const result = runner.exited.then((exit) => {
    if (exit.code !== 0 || !existsSync(resultFile)) {
      throw new Error(`load runner (${spec.mode}) failed with ${JSON.stringify(exit)}:\n${runner.output()}`);
    }
    return JSON.parse(readFileSync(resultFile, 'utf8')) as LoadResult;
  });
  return { signal: (signal) => runner.signal(signal), result };
}
