import { Module } from '@nestjs/common';

import { HealthController } from './health.controller';

/** Adds `GET /healthz` to an app. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
