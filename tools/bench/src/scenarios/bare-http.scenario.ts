import type { BenchContext } from '../bench-context';
import { HOT_TARGET } from '../data/keys';
import { failureDetail, failureNote } from '../report/failure';
import { startBaselineServer, type BaselineServer } from '../servers/start-server';
import { measureRow, unmeasuredRow, type HttpRow } from './http-row';

const BARE = {
  id: 'bare-http',
  name: '(a) bare node:http, constant 1 KiB',
  kind: 'baseline-bare',
  keys: 'constant',
} as const;

/** Baseline (a): bare node:http answering a constant 1 KiB body — the ceiling of a Node HTTP front. */
export async function bareHttpRows(context: BenchContext): Promise<HttpRow[]> {
  let server: BaselineServer | undefined;
  try {
    server = await startBaselineServer('bare-http', 'bare-http.server.js');
    const row = await measureRow(context, BARE, server.origin, HOT_TARGET, [server.process.pid]);
    return [row];
  } catch (error) {
    context.progress(`bare node:http failed: ${failureDetail(error)}`);
    return [unmeasuredRow(BARE, 'failed', failureNote(error))];
  } finally {
    await server?.process.stop('SIGTERM', 5_000);
  }
}
