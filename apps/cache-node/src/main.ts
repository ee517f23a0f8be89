import { startHttpApp } from '@ringcache/app-shell';

import { CacheNodeModule } from './app/cache-node.module';

void startHttpApp(CacheNodeModule, { name: 'cache-node', port: Number(process.env['PORT'] ?? 8101) });
