import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder of one test's own under the OS temp dir. */
export interface TempDir {
  /** Absolute path of the folder. */
  readonly path: string;
  /** Removes the folder and everything in it; a second call does nothing. */
  remove(): void;
}

/** Creates `<os temp dir>/<prefix><random>`; the prefix defaults to `ringcache-test-`. */
export function tempDir(prefix = 'ringcache-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
