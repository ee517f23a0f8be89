import type { Operation } from './operation';
import type { Version } from './versions';

/** What the checker concludes about one successful get. */
export interface ReadVerdict {
  /** Set when the value was never written nor loadable when the read ran (rule c). */
  unwritten?: string;
  /** Set when the value was older than a write that had returned before the read started. */
  stale?: {
    /** The first write (by return time) that made the value old. */
    by: Version;
    /** Read start minus that write's return: how long after it returned the old value was still served. */
    lagMs: number;
    /** True when some write that made it old went through the read's own entry point (rule a). */
    sameEntry: boolean;
  };
}

/**
 * Judges a get against its key's versions. The order model: version B is newer than A when B started
 * after A's write ended (real-time order; concurrent writes are unordered, and a failed write never ends).
 * A read may return a version unless a newer one had returned before the read started; it may also return
 * anything whose write started before the read ended. Not found on a key without a row is always allowed
 * — a cache may forget an entry (eviction, a restarted node) and load "not found" again — but never on a
 * table-backed key, whose row always exists. Values are unique per write, so a value names its version.
 */
export function judgeRead(read: Operation, versions: readonly Version[], table: boolean): ReadVerdict {
  const value = read.value ?? null;
  if (value === null) return table ? { unwritten: 'not found, but the row exists' } : {};
  const matches = versions.filter((v) => v.value === value);
  if (matches.length === 0) return { unwritten: `${JSON.stringify(value)} was never written` };
  const possible = matches.filter((v) => v.start < read.end);
  if (possible.length === 0) return { unwritten: `${JSON.stringify(value)} read before its write started` };
  let best: ReadVerdict | undefined;
  for (const version of possible) {
    const verdict = judgeVersion(read, version, versions);
    if (!verdict.stale) return verdict;
    if (!best?.stale || verdict.stale.lagMs < best.stale.lagMs) best = verdict;
  }
  return best ?? {};
}

/** Whether `version` was already overwritten, by a write that had returned, when `read` started. */
function judgeVersion(read: Operation, version: Version, versions: readonly Version[]): ReadVerdict {
  let first: Version | undefined;
  let sameEntry = false;
  for (const newer of versions) {
    if (newer.returnedAt === undefined || !(newer.start > version.versionEnd)) continue;
    if (!(newer.returnedAt < read.start)) continue;
    if (newer.entry === read.entry) sameEntry = true;
    if (!first || (newer.returnedAt as number) < (first.returnedAt as number)) first = newer;
  }
  if (!first) return {};
  return { stale: { by: first, lagMs: read.start - (first.returnedAt as number), sameEntry } };
}
