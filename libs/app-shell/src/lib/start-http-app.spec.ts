import { Module } from '@nestjs/common';

import { HealthModule } from './health.module';
import { listeningPort, startHttpApp } from './start-http-app';

@Module({ imports: [HealthModule] })
class TestModule {}

describe('startHttpApp', () => {
  it('serves GET /healthz with 200 on a real socket', async () => {
    const app = await startHttpApp(TestModule, { name: 'test', port: 0, handleSignals: false });
    try {
      const res = await fetch(`http://127.0.0.1:${listeningPort(app)}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      expect((await fetch(`http://127.0.0.1:${listeningPort(app)}/nope`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
