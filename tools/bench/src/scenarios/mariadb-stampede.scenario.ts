import { ScratchMysql, type TestCluster } from '@ringcache/testing';

import type { BenchContext } from '../bench-context';
import { writeMysqlDataset } from '../data/mysql-dataset';
import { onInterrupt } from '../env/cleanup';
import { failureDetail, failureNote } from '../report/failure';
import { startBenchCluster } from './bench-cluster';
import { stampedeRow, type StampedeRow } from './stampede.scenario';

const ID = 'stampede-grpc-mariadb';
const NAME = 'gRPC peers, MariaDB (queries counted by the server)';

/**
 * The cold stampede against MariaDB, where the database itself counts the queries: a scratch database
 * and user of this run (the testing helpers' ScratchMysql, dropped afterwards) hold the cold key, a
 * 3-node cluster reads it, and the user's SELECT count before and after is the real query count.
 * Skipped, with the reason, when MariaDB is not reachable on 127.0.0.1:3306.
 */
export async function mariadbStampedeRow(context: BenchContext, coldIndex: number): Promise<StampedeRow> {
  const requests = context.settings.stampede;
  let db: ScratchMysql;
  try {
    db = await ScratchMysql.create();
  } catch (error) {
    const reason = `skipped: ${(error as Error).message}`;
    context.progress(reason);
    return { id: ID, name: NAME, status: 'skipped', requests, notes: [reason] };
  }
  let cluster: TestCluster | undefined;
  const unregister = onInterrupt(() => db.drop());
  try {
    await writeMysqlDataset(db, coldIndex, coldIndex + 1);
    context.progress('cold stampede on MariaDB: starting a 3-node cluster');
    cluster = await startBenchCluster(context, { transport: 'grpc', mysqlUrl: db.url });
    return await stampedeRow(context, cluster, ID, NAME, coldIndex, () => db.selects());
  } catch (error) {
    context.progress(`MariaDB stampede failed: ${failureDetail(error)}`);
    return { id: ID, name: NAME, status: 'failed', requests, notes: [failureNote(error)] };
  } finally {
    await cluster?.stop();
    unregister();
    await db.drop();
  }
}
