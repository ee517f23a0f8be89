import type { Logger } from 'pino';

import { RingcacheError, type PeerHandler, type RequestContext } from '@ringcache/cache-core';

/**
 * `handler` with a debug line for every peer request it serves — operation, group, key (or how many),
 * hops, how it ended and in how many ms — under the request's `reqId`, whichever transport brought it.
 * For debug logging only: the caller uses the handler itself otherwise, so a node at `info` pays nothing.
 */
export function logPeerRequests(handler: PeerHandler, logger: Logger): PeerHandler {
  const logged = <R extends object, T>(
    operation: string,
    call: (request: R) => Promise<T>,
    fields: (request: R) => Record<string, unknown>,
    outcome: (response: T) => Record<string, unknown> = () => ({}),
  ) => {
    return async (request: R): Promise<T> => {
      const started = performance.now();
      const context = request as Partial<RequestContext>;
      const base = () => ({
        reqId: context.requestId,
        operation,
        ...fields(request),
        ...(context.hops === undefined ? {} : { hops: context.hops }),
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
      try {
        const response = await call(request);
        logger.debug({ ...base(), ...outcome(response) }, 'peer request');
        return response;
      } catch (error) {
        const code = error instanceof RingcacheError ? error.code : 'internal';
        logger.debug({ ...base(), error: code }, 'peer request failed');
        throw error;
      }
    };
  };
  return {
    get: logged(
      'Get',
      (r) => handler.get(r),
      (r) => ({ group: r.group, key: r.key }),
      (r) => ({ found: r.found, ...(r.stale ? { stale: true } : {}) }),
    ),
    getMany: logged(
      'GetMany',
      (r) => handler.getMany(r),
      (r) => ({ group: r.group, keys: Array.isArray(r.keys) ? r.keys.length : 0 }),
    ),
    set: logged(
      'Set',
      (r) => handler.set(r),
      (r) => ({ group: r.group, key: r.key }),
    ),
    setMany: logged(
      'SetMany',
      (r) => handler.setMany(r),
      (r) => ({ group: r.group, entries: Array.isArray(r.entries) ? r.entries.length : 0 }),
    ),
    deleteMany: logged(
      'DeleteMany',
      (r) => handler.deleteMany(r),
      (r) => ({
        group: r.group,
        keys: Array.isArray(r.keys) ? r.keys.length : 0,
        ...(r.localOnly ? { localOnly: true } : {}),
      }),
    ),
    delete: logged(
      'Delete',
      (r) => handler.delete(r),
      (r) => ({ group: r.group, key: r.key, ...(r.localOnly ? { localOnly: true } : {}) }),
      (r) => ({ deleted: r.deleted }),
    ),
    flush: logged(
      'Flush',
      (r) => handler.flush(r),
      (r) => ({ group: r.group, generation: r.generation }),
    ),
    expire: logged(
      'Expire',
      (r) => handler.expire(r),
      (r) => ({ keys: Array.isArray(r.keys) ? r.keys.length : 0 }),
      (r) => ({ removed: r.removed, scheduled: r.scheduled }),
    ),
    // Not peer requests of the cache protocol (a stream, and the gateway's stats calls): passed on as they are.
    ...(handler.subscribe ? { subscribe: handler.subscribe.bind(handler) } : {}),
    ...(handler.groupStats ? { groupStats: handler.groupStats.bind(handler) } : {}),
    ...(handler.hotKeys ? { hotKeys: handler.hotKeys.bind(handler) } : {}),
  };
}
