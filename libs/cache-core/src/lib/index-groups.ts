/**
 * The indexes of `items` grouped by `by(item)`, each group in the order of `items`, the groups in the order
 * their first item comes: how a batch is split into one call per owner and its answers put back in place.
 */
export function groupIndexes<T, K>(items: readonly T[], by: (item: T) => K): Map<K, number[]> {
  const groups = new Map<K, number[]>();
  for (let i = 0; i < items.length; i++) {
    const where = by(items[i]);
    const indexes = groups.get(where);
    if (indexes) indexes.push(i);
    else groups.set(where, [i]);
  }
  return groups;
}
