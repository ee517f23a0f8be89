import { Test } from '@nestjs/testing';

import { CacheNodeModule } from './cache-node.module';

describe('CacheNodeModule', () => {
  it('compiles', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CacheNodeModule] }).compile();
    expect(moduleRef.get(CacheNodeModule)).toBeInstanceOf(CacheNodeModule);
    await moduleRef.close();
  });
});
