import type { ScratchMysql } from './scratch-mysql';

/** A group served from the `item` table, as RINGCACHE_GROUPS takes it (add a ttl and so on). */
export const ITEM_GROUP = Object.freeze({ table: 'item', keyColumn: 'k', valueColumn: 'v' });

/** Rows inserted per statement, well under the server's packet size. */
const ROWS_PER_INSERT = 1_000;

/**
 * Makes a scratch database ready for a cluster started with `RINGCACHE_DEMO_SEED: 'false'`: the demo
 * `student` table (empty; the nodes register the `scores` group in code and check its table at start) and
 * a key-value table `item (k, v)` holding `rows`, for groups configured with {@link ITEM_GROUP}. The
 * expected value of every key is then known to the test, and a key that is not in `rows` is not found.
 */
export async function createItemTable(mysql: ScratchMysql, rows: Map<string, string>): Promise<void> {
  await mysql.exec(
    'CREATE TABLE student (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) UNIQUE, score INT)',
  );
  await mysql.exec('CREATE TABLE item (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)');
  const all = [...rows];
  for (let start = 0; start < all.length; start += ROWS_PER_INSERT) {
    const chunk = all.slice(start, start + ROWS_PER_INSERT);
    await mysql.exec(`INSERT INTO item (k, v) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, chunk.flat());
  }
}
