import { hasUsableDeadline } from '@ringcache/cache-core';
import type {
  CallOptions,
  DeleteManyRequest,
  DeleteRequest,
  GetManyRequest,
  GetRequest,
  SetManyRequest,
  SetRequest,
} from '@ringcache/cache-core';
import type * as pb from '@ringcache/proto';

import type { CallContext } from './client-errors';

/** The calls a Calls stream carries, by their member name in CallRequest: [request, answer message]. */
export interface StreamCalls {
  get: [GetRequest, pb.GetResponse__Output];
  getMany: [GetManyRequest, pb.GetManyResponse__Output];
  set: [SetRequest, pb.SetResponse__Output];
  setMany: [SetManyRequest, pb.SetManyResponse__Output];
  delete: [DeleteRequest, pb.DeleteResponse__Output];
  deleteMany: [DeleteManyRequest, pb.DeleteManyResponse__Output];
}
export type StreamCall = keyof StreamCalls;

/** The unary method of each stream call: the operation its errors name. */
export const OPERATION = {
  get: 'Get',
  getMany: 'GetMany',
  set: 'Set',
  setMany: 'SetMany',
  delete: 'Delete',
  deleteMany: 'DeleteMany',
} as const satisfies Record<StreamCall, string>;

/**
 * Values larger than this (in a Set, or in all of a SetMany's entries together) go as unary calls: the
 * stream's answers and calls share one HTTP/2 stream and its flow-control window, and a large value would
 * hold up the small calls behind it.
 */
export const MAX_STREAMED_VALUE_BYTES = 64 * 1024;

/** Group and key an error of the call names, as the unary call's error does. */
export function callTarget<K extends StreamCall>(
  kind: K,
  request: StreamCalls[K][0],
): Pick<CallContext, 'group' | 'key'> {
  const r = request as Partial<GetRequest & GetManyRequest>;
  switch (kind) {
    case 'get':
    case 'set':
    case 'delete':
      return { group: r.group ?? '', key: r.key ?? '' };
    case 'getMany':
      return { group: r.group ?? '', key: Array.isArray(r.keys) ? r.keys.join(',') : '' };
    default:
      return { group: r.group ?? '', key: '' };
  }
}

/**
 * Whether the stream can carry a call as it is: a positive finite deadline, and fields of the types their
 * messages hold (a value of another type would fail the stream's encoding, and with it every call on the
 * stream). Anything else goes unary, which refuses it with the error a unary call gives.
 */
export function isStreamable<K extends StreamCall>(
  kind: K,
  request: StreamCalls[K][0],
  options: CallOptions,
): boolean {
  if (!hasUsableDeadline(options) || typeof request !== 'object' || request === null) return false;
  const r = request as unknown as Record<string, unknown>;
  if (
    typeof r['group'] !== 'string' ||
    !optional(r['ringVersion'], 'string') ||
    !optional(r['hops'], 'number')
  )
    return false;
  switch (kind) {
    case 'get':
      return typeof r['key'] === 'string';
    case 'delete':
      return typeof r['key'] === 'string' && optional(r['localOnly'], 'boolean');
    case 'getMany':
      return areStrings(r['keys']);
    case 'deleteMany':
      return areStrings(r['keys']) && optional(r['localOnly'], 'boolean');
    case 'set':
      return isEntry(r) && (r['value'] as Uint8Array).length <= MAX_STREAMED_VALUE_BYTES;
    case 'setMany': {
      const entries = r['entries'];
      if (!Array.isArray(entries)) return false;
      let bytes = 0;
      for (const entry of entries) {
        if (typeof entry !== 'object' || entry === null || !isEntry(entry)) return false;
        bytes += (entry['value'] as Uint8Array).length;
      }
      return bytes <= MAX_STREAMED_VALUE_BYTES;
    }
    default:
      return false;
  }
}

function isEntry(r: Record<string, unknown>): boolean {
  return typeof r['key'] === 'string' && r['value'] instanceof Uint8Array && optional(r['ttlMs'], 'number');
}

function areStrings(keys: unknown): boolean {
  if (!Array.isArray(keys)) return false;
  for (const key of keys) if (typeof key !== 'string') return false;
  return true;
}

function optional(value: unknown, type: 'string' | 'number' | 'boolean'): boolean {
  return value === undefined || typeof value === type;
}
