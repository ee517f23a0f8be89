import type { HotKeysResponse, NodeStatsResponse } from './protocol';

/**
 * Checks a node's answer to a stats call as a client of either transport receives it, and copies what it
 * knows: each group's `name` and `stats` object, nothing else at the top. The counters inside `stats` are
 * read one by one later (ClusterStats), where a missing or odd one counts 0. Undefined when the answer
 * does not have that shape.
 */
export function readNodeStats(body: unknown): NodeStatsResponse | undefined {
  const groups = (body as Partial<NodeStatsResponse> | null)?.groups;
  if (!Array.isArray(groups)) return undefined;
  const valid = groups.every(
    (g) => typeof g?.name === 'string' && typeof g.stats === 'object' && g.stats !== null,
  );
  return valid ? { groups: groups.map(({ name, stats }) => ({ name, stats })) } : undefined;
}

/**
 * Checks a node's answer to a hot-keys call and copies it field by field, so nothing else a node sends is
 * passed on. Undefined when a key is not a string or a number is not finite.
 */
export function readHotKeys(body: unknown): HotKeysResponse | undefined {
  const keys = (body as Partial<HotKeysResponse> | null)?.keys;
  if (!Array.isArray(keys)) return undefined;
  const valid = keys.every(
    (k) =>
      typeof k?.key === 'string' &&
      Number.isFinite(k.count) &&
      Number.isFinite(k.rate) &&
      Number.isFinite(k.error),
  );
  return valid
    ? { keys: keys.map(({ key, count, rate, error }) => ({ key, count, rate, error })) }
    : undefined;
}
