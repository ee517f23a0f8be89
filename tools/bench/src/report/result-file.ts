import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file-name-safe timestamp of now, e.g. `2026-11-26T10-50-50-009Z`. */
export function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** Writes `data` as pretty JSON to `<dir>/<name>.json` (creating `dir`) and returns the path. */
export function writeResultFile(dir: string, name: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
