import { found, loaderFn, notFound, type Loader } from '../lib/loader';

/** A database a spec controls: its rows, a delay per load, an outage switch, and a count of loads. */
export function testDatabase(rows: Record<string, string> = {}) {
  const db = { rows, loads: 0, delayMs: 0, down: false };
  const loader: Loader = loaderFn(async (key) => {
    db.loads++;
    const down = db.down;
    const value = db.rows[key];
    if (db.delayMs) await new Promise((r) => setTimeout(r, db.delayMs));
    if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
    return value === undefined ? notFound : found(value);
  });
  return { db, loader };
}
