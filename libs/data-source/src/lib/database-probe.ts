import type { DataSource } from 'typeorm';

import { describeDataSource } from './data-source-label';
import { messageOf } from './errors';

/**
 * Whether the database answers now: `SELECT 1` through the data source (its pool, for MySQL). For
 * readiness checks, which bound the wait themselves. A probe asked for while one is in flight shares it,
 * so frequent probes of a database that hangs never pile up queries or connection attempts.
 */
export class DatabaseProbe {
  /** The database, as logs name it (`mysql host:port/db`, `sqlite <path>`). */
  readonly label: string;
  private inFlight?: Promise<void>;

  constructor(private readonly dataSource: DataSource) {
    this.label = describeDataSource(dataSource);
  }

  /** Resolves when the database answered; rejects with an Error saying why not. */
  ping(): Promise<void> {
    this.inFlight ??= this.query().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async query(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error(`${this.label}: not connected`);
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw new Error(`${this.label}: ${messageOf(error)}`, { cause: error });
    }
  }
}
