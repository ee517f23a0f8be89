/**
 * The history checker of a chaos run. It reads the operations every client recorded (entry point,
 * start, end, request, answer) and judges five rules:
 *
 *  (a) read-your-writes per entry point — once a set, delete or cache-aside write returned through a
 *      gateway (or the SDK), no read that starts later through the same one returns an older value;
 *  (b) bounded staleness everywhere — through any entry point, a read starting more than
 *      `stalenessLimitMs` after a write returned never returns an older value. For every write, the
 *      longest such lag (0 when there was none) is measured and reported as p50/p99/max;
 *  (c) every value returned was written (a set, a row update) or loadable (the row's value at some time,
 *      or not found for a key without a row), whole: values are unique per write, so a mixed, cut or
 *      foreign value matches none;
 *  (d) no request took longer than the deadline + 1 s (row updates are the database's, not checked);
 *  (e) errors only inside fault windows (from a fault's start to its recovery plus a grace).
 *
 * The order of writes (see judgeRead): a write is newer than another when it started after the other's
 * end. Writes to one key that overlap are unordered, so a read may return either, or any value whose
 * write overlapped the read, or the newest one that returned before the read started. A write that
 * failed or timed out has an unknown outcome: its value may appear any time after it started and never
 * counts as older than anything, nor does it make anything older.
 */
import type { Operation } from './operation';
import { judgeRead } from './read-verdict';
import { buildVersions, type Version } from './versions';

/** A fault of the run, from its start to its recovery plus the grace: errors are expected inside. */
export interface FaultWindow {
  name: string;
  start: number;
  end: number;
}

/** What to check a history against. */
export interface CheckOptions {
  /** Table-backed keys and the value of their row at the start. */
  tableKeys: ReadonlyMap<string, string>;
  windows: readonly FaultWindow[];
  /** The peer deadline (peers.deadlineMs); a request may take at most this + 1 s. */
  deadlineMs: number;
  /** Rule (b)'s bound. Default 1,000 ms. */
  stalenessLimitMs?: number;
}

/** One rule's outcome. */
export interface CheckOutcome {
  name: string;
  passed: boolean;
  violations: number;
  /** A few violations, described, to start looking. */
  examples: string[];
}

/** Everything the checker found. */
export interface CheckReport {
  operations: number;
  errorsInside: number;
  errorsOutside: number;
  /** Per write: how long after it returned an older value was still served (ms). */
  staleness: { p50: number; p99: number; max: number; staleReads: number; writes: number };
  longestMs: number;
  checks: CheckOutcome[];
}

const EXAMPLES = 5;

/** The `q` quantile (0..1) of `values` by nearest rank; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Collects one rule's violations. */
class Rule {
  violations = 0;
  readonly examples: string[] = [];
  constructor(readonly name: string) {}
  fail(example: string): void {
    this.violations++;
    if (this.examples.length < EXAMPLES) this.examples.push(example);
  }
  outcome(): CheckOutcome {
    return {
      name: this.name,
      passed: this.violations === 0,
      violations: this.violations,
      examples: this.examples,
    };
  }
}

/** A short description of an operation for a report. */
export function describe(op: Operation): string {
  const what =
    op.kind === 'get' ? `→ ${JSON.stringify(op.value ?? null)}` : `${JSON.stringify(op.written ?? null)}`;
  const outcome = op.ok ? '' : ` failed: ${op.error}`;
  return `#${op.id} ${op.entry} ${op.kind} ${op.key} ${what} [${op.start.toFixed(0)}–${op.end.toFixed(0)} ms]${outcome}`;
}

function describeVersion(v: Version): string {
  return `write #${v.opId} ${v.entry} ${JSON.stringify(v.value)} returned at ${v.returnedAt?.toFixed(0)} ms`;
}

/** Checks a history against rules (a)–(e). */
export function checkHistory(operations: readonly Operation[], options: CheckOptions): CheckReport {
  const limit = options.stalenessLimitMs ?? 1_000;
  const rules = {
    ryw: new Rule('read-your-writes (same entry point)'),
    staleness: new Rule(`bounded staleness (≤ ${limit} ms)`),
    values: new Rule('values written or loaded, whole'),
    deadline: new Rule(`requests within deadline + 1 s (${options.deadlineMs + 1_000} ms)`),
    errors: new Rule('errors only inside fault windows'),
  };
  const versions = buildVersions(operations, options.tableKeys);
  const lagOf = new Map<Version, number>();
  let staleReads = 0;
  let longestMs = 0;
  let errorsInside = 0;
  for (const op of operations) {
    if (!op.ok) {
      const inside = options.windows.some((w) => op.end >= w.start && op.start <= w.end);
      if (inside) errorsInside++;
      else rules.errors.fail(describe(op));
    }
    if (op.kind !== 'db-update') {
      const ms = op.end - op.start;
      longestMs = Math.max(longestMs, ms);
      if (ms > options.deadlineMs + 1_000) rules.deadline.fail(`${describe(op)} took ${ms.toFixed(0)} ms`);
    }
    if (op.kind !== 'get' || !op.ok) continue;
    const verdict = judgeRead(op, versions.get(op.key) ?? [], options.tableKeys.has(op.key));
    if (verdict.unwritten) rules.values.fail(`${describe(op)}: ${verdict.unwritten}`);
    const stale = verdict.stale;
    if (!stale) continue;
    staleReads++;
    lagOf.set(stale.by, Math.max(lagOf.get(stale.by) ?? 0, stale.lagMs));
    const text = `${describe(op)} ${stale.lagMs.toFixed(0)} ms after ${describeVersion(stale.by)}`;
    if (stale.sameEntry) rules.ryw.fail(text);
    if (stale.lagMs > limit) rules.staleness.fail(text);
  }
  const lags: number[] = [];
  for (const list of versions.values())
    for (const v of list)
      if (v.opId !== undefined && v.returnedAt !== undefined) lags.push(lagOf.get(v) ?? 0);
  return {
    operations: operations.length,
    errorsInside,
    errorsOutside: rules.errors.violations,
    staleness: {
      p50: quantile(lags, 0.5),
      p99: quantile(lags, 0.99),
      max: lags.reduce((m, lag) => Math.max(m, lag), 0),
      staleReads,
      writes: lags.length,
    },
    longestMs,
    checks: [rules.ryw, rules.staleness, rules.values, rules.deadline, rules.errors].map((r) => r.outcome()),
  };
}
