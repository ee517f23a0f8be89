import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from './load-config';
import type { RingcacheConfig } from './ringcache-config';
import { RINGCACHE_CONFIG, RingcacheConfigModule } from './ringcache-config.module';

@Injectable()
class NeedsConfig {
  constructor(@Inject(RINGCACHE_CONFIG) readonly config: RingcacheConfig) {}
}

/** A feature module that does not import the config module: the config must reach it anyway (global). */
@Module({ providers: [NeedsConfig] })
class FeatureModule {}

describe('RingcacheConfigModule', () => {
  it('provides the config everywhere under RINGCACHE_CONFIG', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ringcache-module-'));
    try {
      const config = loadConfig({ env: {}, cwd });
      const app = await Test.createTestingModule({
        imports: [RingcacheConfigModule.forRoot(config), FeatureModule],
      }).compile();
      expect(app.get(NeedsConfig).config).toBe(config);
      expect(app.get(RINGCACHE_CONFIG)).toBe(config);
      await app.close();
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
