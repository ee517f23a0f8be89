import type { Target } from '../load/load-spec';

/** The group every bench cluster serves: a table-backed group, configured, with no code. */
export const BENCH_GROUP = 'bench';

/** Size of every value the bench stores and reads, in bytes. */
export const VALUE_BYTES = 1024;

/** Path of a key of the bench group through the gateway; baselines answer the same path. */
export const KEY_PATH_PREFIX = `/api/v1/groups/${BENCH_GROUP}/keys/`;

/** Rows of the run's table just past the rows' keys: each stampede asks for one never requested before. */
export const STAMPEDE_KEYS = 16;

/** Most passes over other keys that warm a front's processes before its cold pass (cold-passes.ts). */
export const MAX_WARMING_PASSES = 5;

/**
 * First key of the cold passes' warming passes (each over as many keys as the rows', one after another):
 * after the rows' and stampedes'.
 */
export function freshPassFrom(keys: number): number {
  return keys + STAMPEDE_KEYS;
}

/** Rows of the run's SQLite table for `keys` row keys: the rows' keys, the stampedes', the warming passes'. */
export function datasetRows(keys: number): number {
  return freshPassFrom(keys) + MAX_WARMING_PASSES * keys;
}

/** The `i`-th key of the data set: `k000000`, `k000001`, … (fixed width, so every path has one length). */
export function keyName(i: number): string {
  return `k${String(i).padStart(6, '0')}`;
}

/** The value of the `i`-th key: VALUE_BYTES of printable ASCII that differ from key to key. */
export function valueOf(i: number): Buffer {
  const value = Buffer.alloc(VALUE_BYTES, 0x61 + (i % 26));
  value.write(keyName(i));
  return value;
}

/**
 * The hot-key load of every front: one key's path, the same request bytes each time (bare node:http, (a),
 * answers it without any lookup).
 */
export const HOT_TARGET: Target = { kind: 'one', path: `${KEY_PATH_PREFIX}${keyName(0)}` };
