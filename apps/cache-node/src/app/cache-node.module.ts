import { Module } from '@nestjs/common';

import { HealthModule } from '@ringcache/app-shell';

/** A cache node: owns a slice of the keyspace and serves the peer protocol. */
@Module({ imports: [HealthModule] })
export class CacheNodeModule {}
