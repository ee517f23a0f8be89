// A NestJS application context with the client from `@ringcache/client/nest`: the module provides it under
// the class and the token, and closes it when the app closes.
import common from '@nestjs/common';
import core from '@nestjs/core';
import { RingcacheClient, UnknownGroupError } from '@ringcache/client';
import { RINGCACHE_CLIENT, RingcacheModule } from '@ringcache/client/nest';

import { runOnTargets } from './scenario.cjs';

await runOnTargets(
  'nest',
  async (options) => {
    class AppModule {}
    common.Module({ imports: [RingcacheModule.forRoot(options)] })(AppModule);
    const app = await core.NestFactory.createApplicationContext(AppModule, { logger: false });
    const client = app.get(RingcacheClient);
    if (app.get(RINGCACHE_CLIENT) !== client)
      throw new Error('the token and the class give different clients');
    return { client, close: () => app.close() };
  },
  UnknownGroupError,
);
