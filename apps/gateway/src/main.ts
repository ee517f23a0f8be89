import { startHttpApp } from '@ringcache/app-shell';

import { GatewayModule } from './app/gateway.module';

void startHttpApp(GatewayModule, { name: 'gateway', port: Number(process.env['PORT'] ?? 9999) });
