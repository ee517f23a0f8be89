import { startHttpApp } from '@ringcache/app-shell';

import { TtlWorkerModule } from './app/ttl-worker.module';

void startHttpApp(TtlWorkerModule, { name: 'ttl-worker', port: Number(process.env['PORT'] ?? 8200) });
