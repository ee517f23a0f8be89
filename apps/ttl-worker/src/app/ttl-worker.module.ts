import { Module } from '@nestjs/common';

import { HealthModule } from '@ringcache/app-shell';

/** Removes expired entries on time, from the etcd delay queue. */
@Module({ imports: [HealthModule] })
export class TtlWorkerModule {}
