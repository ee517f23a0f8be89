import { Module } from '@nestjs/common';

import { HealthModule } from '@ringcache/app-shell';

/** The public HTTP API: routes each key to its owner node. */
@Module({ imports: [HealthModule] })
export class GatewayModule {}
