import { InvalidArgumentError, UnimplementedError, type PeerHandler } from '@ringcache/cache-core';

import { decodeMethodPath } from './peer-path';
import { DEFAULT_HOT_LIMIT, HOT, LIMIT_PARAM, PATH_PREFIX, STATS } from './wire';

/**
 * The answer to a GET of the node's statistics — `/_ringcache/:stats` or `/_ringcache/<group>:hot` — or
 * undefined for any other GET (a key, whose path always has a `/` after the group). They are reads for
 * operators and the gateway's `/api/v1/groups`, not the data path; gRPC serves the same as Stats and HotKeys.
 */
export function statsAnswer(handler: PeerHandler, url: string, query: unknown): Promise<object> | undefined {
  const queryAt = url.indexOf('?');
  const rest = (queryAt < 0 ? url : url.slice(0, queryAt)).slice(PATH_PREFIX.length);
  if (rest.includes('/') || !rest.includes(':')) return undefined;
  const { group, method } = decodeMethodPath(url);
  if (method === STATS && group === '') {
    if (!handler.groupStats) throw new UnimplementedError(`GET ${PATH_PREFIX}:${STATS}`);
    return handler.groupStats();
  }
  if (method === HOT && group !== '') {
    if (!handler.hotKeys) throw new UnimplementedError(`GET ${PATH_PREFIX}<group>:${HOT}`);
    return handler.hotKeys({ group, limit: decodeLimit(query) });
  }
  return undefined;
}

/** `limit` of a `:hot` query: digits only; absent means DEFAULT_HOT_LIMIT. The range is the handler's. */
function decodeLimit(query: unknown): number {
  const limit = (query as Record<string, unknown> | undefined)?.[LIMIT_PARAM];
  if (limit === undefined) return DEFAULT_HOT_LIMIT;
  if (typeof limit !== 'string' || !/^[0-9]{1,6}$/.test(limit)) {
    throw new InvalidArgumentError(`${LIMIT_PARAM} must be a positive integer, got ${JSON.stringify(limit)}`);
  }
  return Number(limit);
}
