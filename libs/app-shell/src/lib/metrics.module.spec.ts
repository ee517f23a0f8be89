import { Inject, Injectable, Module } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';

import { METRICS_REGISTRY, MetricsModule } from './metrics.module';
import { listeningPort, startHttpApp } from './start-http-app';

@Injectable()
class Counts {
  readonly requests: Counter;
  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = new Counter({
      name: 'test_requests_total',
      help: 'Test requests.',
      registers: [registry],
    });
  }
}

@Module({ imports: [MetricsModule], providers: [Counts] })
class TestModule {}

describe('MetricsModule', () => {
  it('serves its own registry with process metrics and app metrics', async () => {
    const app = await startHttpApp(TestModule, { name: 'test', port: 0, handleSignals: false });
    try {
      app.get(Counts).requests.inc(3);
      const res = await fetch(`http://127.0.0.1:${listeningPort(app)}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain('test_requests_total 3');
      expect(text).toContain('process_cpu_user_seconds_total');
    } finally {
      await app.close();
    }
  });
});
