import { sleep } from './http';
import type { ScratchMysql } from './scratch-mysql';

/** A load seen running in the database: its connection, and how long it had run when seen. */
export interface RunningLoad {
  connection: number;
  ms: number;
}

/**
 * Loads that take a chosen time, with no change to the code under test: a view over a key-value table whose
 * value column sleeps for the time set for its key in a `load_delay` table, and is instant for every other
 * key. A group configured on the view then loads a key marked slow in that time, and a test can see the load
 * running in the database (the view's statement in the server's process list, sleeping), so it knows a load
 * is in flight rather than hoping so.
 */
export class SlowLoads {
  private constructor(
    private readonly mysql: ScratchMysql,
    private readonly view: string,
  ) {}

  /**
   * Creates `load_delay` and the view `view` over `table` (columns `keyColumn` and `valueColumn`, as the
   * group reads them). The sleep sits in the value column, so it runs only for rows a query returns.
   */
  static async create(
    mysql: ScratchMysql,
    table: string,
    view: string,
    keyColumn = 'k',
    valueColumn = 'v',
  ): Promise<SlowLoads> {
    const [t, v, k, value] = [sqlName(table), sqlName(view), sqlName(keyColumn), sqlName(valueColumn)];
    await mysql.exec('CREATE TABLE load_delay (k VARCHAR(255) PRIMARY KEY, ms INT NOT NULL)');
    await mysql.exec(
      `CREATE VIEW ${v} AS SELECT t.${k} AS ${k}, IF(SLEEP(COALESCE(d.ms, 0) / 1000) = 0, t.${value}, t.${value}) ` +
        `AS ${value} FROM ${t} t LEFT JOIN load_delay d ON d.k = t.${k}`,
    );
    return new SlowLoads(mysql, view);
  }

  /** Makes loads of `keys` take `ms` each. */
  async markSlow(keys: string[], ms: number): Promise<void> {
    if (keys.length === 0) return;
    await this.mysql.exec(
      `REPLACE INTO load_delay (k, ms) VALUES ${keys.map(() => '(?, ?)').join(', ')}`,
      keys.flatMap((key) => [key, ms]),
    );
  }

  /** Makes loads of `key` instant again. */
  async markFast(key: string): Promise<void> {
    await this.mysql.exec('DELETE FROM load_delay WHERE k = ?', [key]);
  }

  /**
   * The first load of the view seen sleeping in the database within `timeoutMs` (the code under test's own
   * statements only: the scratch database's user), or undefined if none was.
   */
  async running(timeoutMs: number): Promise<RunningLoad | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [load] = await this.sleeping();
      if (load || Date.now() >= deadline) return load;
      await sleep(1);
    }
  }

  /** True when the statement of `load` is still sleeping: the same connection, further along. */
  async stillRunning(load: RunningLoad): Promise<boolean> {
    return (await this.sleeping()).some((l) => l.connection === load.connection && l.ms >= load.ms);
  }

  private async sleeping(): Promise<RunningLoad[]> {
    const rows = await this.mysql.exec<{ id: number; ms: string }[]>(
      'SELECT ID AS id, TIME_MS AS ms FROM information_schema.PROCESSLIST ' +
        "WHERE USER = ? AND STATE = 'User sleep' AND INFO LIKE ?",
      [this.mysql.user, `%${sqlName(this.view)}%`],
    );
    return rows.map((row) => ({ connection: Number(row.id), ms: Number(row.ms) }));
  }
}

/** `name` quoted as a MySQL identifier; only the plain names a test chooses are accepted. */
function sqlName(name: string): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error(`not a plain SQL name: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}
