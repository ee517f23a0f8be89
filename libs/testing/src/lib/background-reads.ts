/** One key a background reader reads, and the answer it must get: the value, or null for not found. */
export interface ReadTarget {
  key: string;
  url: string;
  expected: string | null;
}

/**
 * How one read ended. `wrong`: an answer that claims something other than the truth (another value, or
 * not found for a key that has one, or a value for one that has none). `error`: no answer about the key
 * at all (a 5xx, any other status, a reset connection, a timeout).
 */
export type ReadVerdict = 'correct' | 'wrong' | 'error';

/** One read: when it started (ms since the epoch), how long it took, and how it ended. */
export interface ReadRecord {
  key: string;
  startedAt: number;
  ms: number;
  verdict: ReadVerdict;
  /** Status and body (or the error) of a read that was not correct; empty otherwise. */
  detail: string;
}

/** Totals over some reads. */
export interface ReadSummary {
  reads: number;
  correct: number;
  wrong: number;
  errors: number;
  /** The longest read, in ms. */
  slowestMs: number;
  /** Every read that was not correct, as `<key>: <status> <body>` or `<key>: <error>`. */
  failures: string[];
}

/** Deadline of one read: long enough that a hang shows up as a slow read rather than a lost one. */
const READ_TIMEOUT_MS = 20_000;

/**
 * GETs flowing from a few concurrent loops until stopped, each answer checked against the expected value or
 * the expected not-found (a 404 whose JSON code is `not_found`), so a fault test sees a wrong answer, not
 * only a missing one. Every read is recorded with its start and duration, so a test can look at the reads
 * made during one window (a lease not yet expired, a partition) and bound how long each took.
 */
export class BackgroundReads {
  /** Readers not yet stopped, so a test's cleanup can stop what a failed test left running. */
  private static readonly live = new Set<BackgroundReads>();

  /**
   * Stops every reader still running. The e2e setup calls it after each test: loops a failed test left
   * running would otherwise go on at full speed against a stopped cluster, and keep jest from exiting.
   */
  static async stopAll(): Promise<void> {
    await Promise.all([...BackgroundReads.live].map((reads) => reads.stop()));
  }

  /** Every read finished so far, in the order they finished. */
  readonly records: ReadRecord[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  /** Starts `concurrency` loops (default 4) over `targets`, in turn. */
  constructor(targets: ReadTarget[], concurrency = 4) {
    if (targets.length === 0) throw new Error('BackgroundReads needs at least one target');
    BackgroundReads.live.add(this);
    this.loops = Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; this.running; i += concurrency)
        this.records.push(await read(targets[i % targets.length]));
    });
  }

  /** Totals over the reads that started at or after `since` (ms since the epoch; default all). */
  summary(since = 0): ReadSummary {
    return summarize(this.records.filter((r) => r.startedAt >= since));
  }

  /** Lets the reads in flight finish, starts no more, and sums up every read. */
  async stop(): Promise<ReadSummary> {
    this.running = false;
    BackgroundReads.live.delete(this);
    await Promise.all(this.loops);
    return this.summary();
  }
}

/** Totals over `records`. */
export function summarize(records: ReadRecord[]): ReadSummary {
  return {
    reads: records.length,
    correct: records.filter((r) => r.verdict === 'correct').length,
    wrong: records.filter((r) => r.verdict === 'wrong').length,
    errors: records.filter((r) => r.verdict === 'error').length,
    slowestMs: Math.max(0, ...records.map((r) => r.ms)),
    failures: records.filter((r) => r.verdict !== 'correct').map((r) => `${r.key}: ${r.detail}`),
  };
}

/** One GET of `target`, judged. */
async function read(target: ReadTarget): Promise<ReadRecord> {
  const startedAt = Date.now();
  const started = performance.now();
  const record = (verdict: ReadVerdict, detail = ''): ReadRecord => ({
    key: target.key,
    startedAt,
    ms: Math.round(performance.now() - started),
    verdict,
    detail,
  });
  let status: number;
  let body: string;
  try {
    const res = await fetch(target.url, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
    status = res.status;
    body = await res.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return record('error', `${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  }
  const verdict = judge(target.expected, status, body);
  return record(verdict, verdict === 'correct' ? '' : `${status} ${body.slice(0, 300)}`);
}

/** Whether `status` and `body` are the truth about a key whose value is `expected` (null: none). */
function judge(expected: string | null, status: number, body: string): ReadVerdict {
  if (status === 200) return expected === body ? 'correct' : 'wrong';
  if (status === 404 && codeOf(body) === 'not_found') return expected === null ? 'correct' : 'wrong';
  return 'error';
}

/** The `code` of a JSON error body, if it is one. */
function codeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}
