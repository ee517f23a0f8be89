import { groupIndexes } from './index-groups';
import type { CallOptions, PeerClient, RequestContext } from './protocol';

/** What a forwarded write carries: the next hop's context and the call's options. */
export interface ForwardCall {
  context: RequestContext;
  options: CallOptions;
}

/**
 * Runs a write for `items`: those this node answers for (`ownerOf` undefined) with one `local` call, the
 * others forwarded to their owners with one `remote` call per owner, all at once; answers in the order of
 * `items`. One failing part fails the whole write.
 */
export async function byOwner<T, R>(
  items: T[],
  ownerOf: (item: T) => PeerClient | undefined,
  call: ForwardCall,
  run: {
    local: (part: T[]) => Promise<R[]>;
    remote: (owner: PeerClient, part: T[], call: ForwardCall) => Promise<R[]>;
  },
): Promise<R[]> {
  const parts = groupIndexes(items, (item): PeerClient | 'self' => ownerOf(item) ?? 'self');
  const results: R[] = new Array(items.length);
  await Promise.all(
    [...parts].map(async ([where, indexes]) => {
      const part = indexes.map((i) => items[i]);
      const answers = where === 'self' ? await run.local(part) : await run.remote(where, part, call);
      indexes.forEach((i, n) => (results[i] = answers[n]));
    }),
  );
  return results;
}
