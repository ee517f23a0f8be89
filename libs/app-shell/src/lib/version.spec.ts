import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RINGCACHE_VERSION } from './version';

describe('RINGCACHE_VERSION', () => {
  it("equals the workspace package.json's version", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(RINGCACHE_VERSION).toBe(pkg.version);
  });
});
