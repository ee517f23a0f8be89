import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { tempDir } from './temp-dir';

describe('tempDir', () => {
  it('creates a new folder under the OS temp dir, a different one each time', () => {
    const a = tempDir();
    const b = tempDir('rc-spec-');
    try {
      expect(dirname(a.path)).toBe(tmpdir());
      expect(basename(a.path)).toMatch(/^ringcache-test-.+/);
      expect(basename(b.path)).toMatch(/^rc-spec-.+/);
      expect(a.path).not.toBe(b.path);
      expect(existsSync(a.path)).toBe(true);
    } finally {
      a.remove();
      b.remove();
    }
  });

  it('removes the folder with everything in it, and a second remove does nothing', () => {
    const dir = tempDir();
    mkdirSync(join(dir.path, 'nested'));
    writeFileSync(join(dir.path, 'nested', 'file.txt'), 'x');
    dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    expect(() => dir.remove()).not.toThrow();
  });
});
