import { Test } from '@nestjs/testing';

import { TtlWorkerModule } from './ttl-worker.module';

describe('TtlWorkerModule', () => {
  it('compiles', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TtlWorkerModule] }).compile();
    expect(moduleRef.get(TtlWorkerModule)).toBeInstanceOf(TtlWorkerModule);
    await moduleRef.close();
  });
});
