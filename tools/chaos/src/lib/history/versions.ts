import type { Operation } from './operation';

/**
 * One value a key may hold: written by a set (or a delete: null), by a cache-aside write (a row update
 * whose delete returned), or there from the start. `start`..`versionEnd` is when it may have taken effect;
 * `returnedAt` is when its writer was told it was done, from which on no reader may get an older value.
 */
export interface Version {
  /** The value, or null for "not found" (a delete, or a key without a row). */
  value: string | null;
  start: number;
  /** The end of the write, or +Infinity when its outcome is unknown (it may take effect at any time). */
  versionEnd: number;
  /** When the write returned successfully; undefined when it never did. */
  returnedAt?: number;
  /** The entry point that wrote it (none for the initial value). */
  entry?: string;
  /** The operation that wrote it (the db-update of a cache-aside write). */
  opId?: number;
}

/** Every key's versions, the initial one first. */
export type VersionIndex = Map<string, Version[]>;

/** The value every key holds before the run: a table-backed key its row's value, any other key none. */
function initial(value: string | null): Version {
  return { value, start: -Infinity, versionEnd: -Infinity, returnedAt: -Infinity };
}

/**
 * The versions the history's writes made. A plain key's set and delete are versions themselves. A
 * table-backed key changes by a row update followed by a delete of the cached copy (cache-aside): the
 * version starts with the update and has returned once that delete returned; a delete of a table-backed
 * key that completes no update changes nothing (it only drops a copy of the row).
 */
export function buildVersions(
  operations: readonly Operation[],
  tableKeys: ReadonlyMap<string, string>,
): VersionIndex {
  const index: VersionIndex = new Map();
  const versionsOf = (key: string): Version[] => {
    let versions = index.get(key);
    if (!versions) {
      versions = [initial(tableKeys.get(key) ?? null)];
      index.set(key, versions);
    }
    return versions;
  };
  const completing = new Map<number, Operation>();
  for (const op of operations)
    if (op.kind === 'delete' && op.completes !== undefined) completing.set(op.completes, op);
  for (const op of operations) {
    const table = tableKeys.has(op.key);
    if (op.kind === 'db-update') {
      const done = completing.get(op.id);
      versionsOf(op.key).push({
        value: op.written ?? '',
        start: op.start,
        versionEnd: op.ok ? op.end : Infinity,
        returnedAt: op.ok && done?.ok ? done.end : undefined,
        entry: done?.entry ?? op.entry,
        opId: op.id,
      });
    } else if (op.kind === 'set' || (op.kind === 'delete' && !table)) {
      versionsOf(op.key).push({
        value: op.kind === 'set' ? (op.written ?? '') : null,
        start: op.start,
        versionEnd: op.ok ? op.end : Infinity,
        returnedAt: op.ok ? op.end : undefined,
        entry: op.entry,
        opId: op.id,
      });
    } else {
      versionsOf(op.key);
    }
  }
  return index;
}
