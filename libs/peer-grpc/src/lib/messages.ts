import { isErrorCode, readHotKeys, readNodeStats } from '@ringcache/cache-core';
import type {
  DeleteManyRequest,
  DeleteManyResponse,
  DeleteRequest,
  DeleteResponse,
  ExpireRequest,
  ExpireResponse,
  FlushRequest,
  FlushResponse,
  GetManyRequest,
  GetManyResponse,
  GetRequest,
  GetResponse,
  HotKeysRequest,
  HotKeysResponse,
  NodeStatsResponse,
  SetManyRequest,
  SetManyResponse,
  SetRequest,
  SetResponse,
} from '@ringcache/cache-core';

import type * as pb from '@ringcache/proto';

/**
 * Conversions between the protobuf messages (as decoded with LOADER_OPTIONS: camelCase fields, int64 as
 * numbers, bytes as Buffers, absent fields as zero values) and the cache-core model. Each copies the fields
 * it knows by name, so nothing else a message might carry reaches the handler or the wire. No validation:
 * that is PeerService's job, the same for every codec.
 *
 * `GetResponse.stale` is present in the model only when true: proto3 cannot tell an absent bool from
 * false, and the HTTP codec sends its stale header only when true, so both codecs decode "not stale" as
 * no `stale` property at all.
 */

/**
 * Server side: a decoded GetRequest as the handler's model. The request id travels in metadata, not in
 * the message: the caller reads it there (so do the other request conversions).
 */
export function getRequestFromMessage(m: pb.GetRequest__Output, requestId?: string): GetRequest {
  return { group: m.group, key: m.key, ringVersion: m.ringVersion, hops: m.hops, requestId };
}

/** Server side: a decoded GetManyRequest as the handler's model. */
export function getManyRequestFromMessage(m: pb.GetManyRequest__Output, requestId?: string): GetManyRequest {
  return { group: m.group, keys: m.keys, ringVersion: m.ringVersion, hops: m.hops, requestId };
}

/** Server side: a decoded SetRequest as the handler's model. */
export function setRequestFromMessage(m: pb.SetRequest__Output, requestId?: string): SetRequest {
  return {
    group: m.group,
    key: m.key,
    ringVersion: m.ringVersion,
    hops: m.hops,
    value: m.value,
    ttlMs: m.ttlMs,
    requestId,
  };
}

/** Server side: a decoded SetManyRequest as the handler's model, entries field by field. */
export function setManyRequestFromMessage(m: pb.SetManyRequest__Output, requestId?: string): SetManyRequest {
  return {
    group: m.group,
    entries: m.entries.map((e) => ({ key: e.key, value: e.value, ttlMs: e.ttlMs })),
    ringVersion: m.ringVersion,
    hops: m.hops,
    requestId,
  };
}

/** Server side: a decoded DeleteManyRequest as the handler's model. */
export function deleteManyRequestFromMessage(
  m: pb.DeleteManyRequest__Output,
  requestId?: string,
): DeleteManyRequest {
  return {
    group: m.group,
    keys: m.keys,
    ringVersion: m.ringVersion,
    hops: m.hops,
    localOnly: m.localOnly,
    requestId,
  };
}

/** Server side: a decoded DeleteRequest as the handler's model. */
export function deleteRequestFromMessage(m: pb.DeleteRequest__Output, requestId?: string): DeleteRequest {
  return {
    group: m.group,
    key: m.key,
    ringVersion: m.ringVersion,
    hops: m.hops,
    localOnly: m.localOnly,
    requestId,
  };
}

/** Server side: a decoded FlushRequest as the handler's model. */
export function flushRequestFromMessage(m: pb.FlushRequest__Output): FlushRequest {
  return { group: m.group, generation: m.generation };
}

/** Server side: a decoded ExpireRequest as the handler's model, keys in message order. */
export function expireRequestFromMessage(m: pb.ExpireRequest__Output): ExpireRequest {
  return { keys: m.keys.map((k) => ({ group: k.group, key: k.key, expireAtMs: k.expireAtMs })) };
}

/** Server side: a Get answer as its message (the encoder takes any Uint8Array for bytes). */
export function getResponseToMessage(r: GetResponse): pb.GetResponse {
  const message: pb.GetResponse = {
    value: r.value,
    found: r.found,
    expireAtMs: r.expireAtMs,
    stale: r.stale === true,
  };
  if (r.error) {
    message.errorCode = r.error.code;
    message.errorMessage = r.error.message;
  }
  return message;
}

/** Server side: a GetMany answer as its message. */
export function getManyResponseToMessage(r: GetManyResponse): pb.GetManyResponse {
  return { results: r.results.map(getResponseToMessage) };
}

/** Server side: a Set answer as its message. */
export function setResponseToMessage(r: SetResponse): pb.SetResponse {
  return { expireAtMs: r.expireAtMs };
}

/** Server side: a SetMany answer as its message. */
export function setManyResponseToMessage(r: SetManyResponse): pb.SetManyResponse {
  return { results: r.results.map(setResponseToMessage) };
}

/** Server side: a DeleteMany answer as its message. */
export function deleteManyResponseToMessage(r: DeleteManyResponse): pb.DeleteManyResponse {
  return { results: r.results.map(deleteResponseToMessage) };
}

/** Server side: a Delete answer as its message. */
export function deleteResponseToMessage(r: DeleteResponse): pb.DeleteResponse {
  return { deleted: r.deleted };
}

/** Server side: a Flush answer as its message. */
export function flushResponseToMessage(r: FlushResponse): pb.FlushResponse {
  return { generation: r.generation };
}

/** Server side: an Expire answer as its message. */
export function expireResponseToMessage(r: ExpireResponse): pb.ExpireResponse {
  return { removed: r.removed, scheduled: r.scheduled };
}

/**
 * Client side: a decoded GetResponse as the model. A per-key error with a code this build does not know
 * is kept as `internal`, with the peer's code in the message.
 */
export function getResponseFromMessage(m: pb.GetResponse__Output): GetResponse {
  const response: GetResponse = { found: m.found, value: m.value, expireAtMs: m.expireAtMs };
  if (m.stale) response.stale = true;
  if (m.errorCode) {
    response.found = false;
    response.error = isErrorCode(m.errorCode)
      ? { code: m.errorCode, message: m.errorMessage }
      : { code: 'internal', message: `${m.errorCode}: ${m.errorMessage}` };
  }
  return response;
}

/** Client side: a decoded GetManyResponse as the model. */
export function getManyResponseFromMessage(m: pb.GetManyResponse__Output): GetManyResponse {
  return { results: m.results.map(getResponseFromMessage) };
}

/** Client side: a decoded FlushResponse as the model. */
export function flushResponseFromMessage(m: pb.FlushResponse__Output): FlushResponse {
  return { generation: m.generation };
}

/** Client side: a decoded ExpireResponse as the model. */
export function expireResponseFromMessage(m: pb.ExpireResponse__Output): ExpireResponse {
  return { removed: m.removed, scheduled: m.scheduled };
}

/** Server side: a decoded HotKeysRequest as the handler's model (which checks group and limit). */
export function hotKeysRequestFromMessage(m: pb.HotKeysRequest__Output): HotKeysRequest {
  return { group: m.group, limit: m.limit };
}

/** Server side: a node's counters as a Stats answer: the JSON document the HTTP `:stats` route answers. */
export function statsResponseToMessage(r: NodeStatsResponse): pb.StatsResponse {
  return { json: JSON.stringify(r) };
}

/** Server side: a HotKeys answer as its message, keys field by field. */
export function hotKeysResponseToMessage(r: HotKeysResponse): pb.HotKeysResponse {
  return { keys: r.keys.map(({ key, count, rate, error }) => ({ key, count, rate, error })) };
}

/**
 * Client side: a decoded StatsResponse as the model, checked as the HTTP client checks its answer
 * (readNodeStats); undefined when its text is not JSON or not of that shape.
 */
export function statsResponseFromMessage(m: pb.StatsResponse__Output): NodeStatsResponse | undefined {
  let body: unknown;
  try {
    body = JSON.parse(m.json);
  } catch {
    return undefined;
  }
  return readNodeStats(body);
}

/** Client side: a decoded HotKeysResponse as the model, field by field; undefined when a count is not finite. */
export function hotKeysResponseFromMessage(m: pb.HotKeysResponse__Output): HotKeysResponse | undefined {
  return readHotKeys(m);
}
