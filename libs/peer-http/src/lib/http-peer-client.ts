import type { Agent } from 'node:http';

import {
  InvalidArgumentError,
  isErrorCode,
  PeerUnavailableError,
  REQUEST_ID_HEADER,
  requestIdOf,
  type CallOptions,
  type DeleteManyRequest,
  type DeleteManyResponse,
  type DeleteRequest,
  type DeleteResponse,
  type ExpireRequest,
  type ExpireResponse,
  type FlushRequest,
  type FlushResponse,
  type GetManyRequest,
  type GetManyResponse,
  type GetRequest,
  type GetResponse,
  type PeerClient,
  type RequestContext,
  type SetManyRequest,
  type SetManyResponse,
  type SetRequest,
  type SetResponse,
} from '@ringcache/cache-core';
import type { TlsMaterial } from '@ringcache/tls';

import { isBatchAnswer, jsonAnswer, malformedAnswer, resultsOf } from './answer-checks';
import { BATCH_TYPE, decodeBatchResults, encodeSetEntries } from './batch-codec';
import { FrameChannel } from './frame-channel';
import type { FrameMethod } from './frame-codec';
import { checkDeadline, exchange, type Answer } from './http-exchange';
import { peerAgent } from './peer-agent';
import { encodeKeyPath, encodeMethodPath } from './peer-path';
import { parseErrorBody, remoteError, type RemoteCall } from './remote-error';
import {
  BATCH_DELETE,
  BATCH_GET,
  BATCH_SET,
  EXPIRE,
  EXPIRE_AT_HEADER,
  FLUSH,
  HOPS_HEADER,
  JSON_TYPE,
  LOCAL_ONLY_PARAM,
  NOT_FOUND_CODE,
  OCTET_STREAM,
  RING_VERSION_HEADER,
  STALE_HEADER,
  type WireBatchResult,
} from './wire';

/** Options of an {@link HttpPeerClient}. */
export interface HttpPeerClientOptions {
  /** The peer's node name (its ring member name), used in errors. Required. */
  name: string;
  /** `host:port` of the peer's HTTP endpoint; an IPv6 host in brackets (`[::1]:8101`). Required. */
  address: string;
  /**
   * Most connections open to this peer at once, so most requests in flight (HTTP/1.1 sends one request at
   * a time per connection); more wait in the agent's queue, their deadline running. Default 64.
   */
  maxSockets?: number;
  /** Mutual TLS: https to the peer, presenting this certificate. Default none: plaintext HTTP. */
  tls?: TlsMaterial;
  /**
   * Send the data calls (get, set, delete, one or many) as frames over one upgraded connection
   * (FrameChannel) rather than as HTTP requests, once the peer has accepted the upgrade; until then, and
   * with a peer that refuses it, they go over HTTP. Default true.
   */
  frames?: boolean;
}

const EMPTY = Buffer.alloc(0);

/** What {@link HttpPeerClient.send} sends. */
interface OutgoingMessage {
  method: FrameMethod;
  path: string;
  /** Ring version and hops, sent as headers; Flush and Expire have none. The request id is in `options`. */
  context?: RequestContext;
  options: CallOptions;
  body?: Buffer;
  contentType?: string;
  /** The answer's content type the client prefers (batchGet: the binary form). Default none. */
  accept?: string;
  /** Flush and expire: requests the node answers only over HTTP, never as frames. Default false. */
  httpOnly?: boolean;
}

/**
 * The client side of the HTTP peer codec, one per remote node. All calls share one keep-alive agent, so
 * requests reuse open connections instead of opening one each. Every call has a deadline; a peer that
 * cannot be reached or does not answer in time rejects with PeerUnavailableError, and an error the peer
 * answers is rebuilt as its cache-core class.
 */
export class HttpPeerClient implements PeerClient {
  readonly name: string;
  private readonly host: string;
  private readonly port: number;
  private readonly agent: Agent;
  private readonly frames?: FrameChannel;
  private closed = false;

  constructor(options: HttpPeerClientOptions) {
    if (typeof options.name !== 'string' || options.name === '') {
      throw new InvalidArgumentError(
        `HttpPeerClient option name must be a non-empty string, got ${JSON.stringify(options.name)}`,
      );
    }
    this.name = options.name;
    ({ host: this.host, port: this.port } = parseAddress(options.address));
    this.agent = peerAgent('HttpPeerClient', { maxSockets: options.maxSockets ?? 64, tls: options.tls });
    if (options.frames ?? true)
      this.frames = new FrameChannel({ peer: this.name, host: this.host, port: this.port, tls: options.tls });
  }

  async get(request: GetRequest, options: CallOptions): Promise<GetResponse> {
    const call: RemoteCall = { peer: this.name, operation: 'Get', group: request.group, key: request.key };
    const path = encodeKeyPath(request.group, request.key);
    const answer = await this.send(call, { method: 'GET', path, context: request, options });
    let response: GetResponse;
    if (answer.status === 200) {
      response = { found: true, value: answer.body, expireAtMs: this.expireAt(answer, call) };
    } else if (answer.status === 404 && parseErrorBody(answer.body).code === NOT_FOUND_CODE) {
      // A 404 is a cached "not found" only when it says so: an unknown group is a 404 too, and an error.
      response = { found: false, value: EMPTY, expireAtMs: this.expireAt(answer, call) };
    } else {
      throw remoteError(answer.status, answer.body, call);
    }
    if (this.isStale(answer, call)) response.stale = true;
    return response;
  }

  async getMany(request: GetManyRequest, options: CallOptions): Promise<GetManyResponse> {
    const call: RemoteCall = { peer: this.name, operation: 'GetMany', group: request.group };
    const answer = await this.send(call, {
      method: 'POST',
      path: encodeMethodPath(request.group, BATCH_GET),
      context: request,
      options,
      body: Buffer.from(JSON.stringify({ keys: request.keys })),
      contentType: JSON_TYPE,
      accept: BATCH_TYPE,
    });
    const count = request.keys.length;
    if (answer.status === 200 && answer.headers['content-type'] === BATCH_TYPE) {
      try {
        return { results: decodeBatchResults(answer.body, count) };
      } catch (error) {
        throw malformedAnswer(call, (error as Error).message);
      }
    }
    const { results } = jsonAnswer<{ results: WireBatchResult[] }>(answer, call, isBatchAnswer);
    if (results.length !== count) throw malformedAnswer(call, `${results.length} results for ${count} keys`);
    return {
      results: results.map(({ found, value, expireAtMs, stale, error }) => {
        const result: GetResponse = {
          found: found && !error,
          value: found && !error ? Buffer.from(value, 'base64') : EMPTY,
          expireAtMs,
        };
        if (stale) result.stale = true;
        if (error) {
          result.error = isErrorCode(error.code)
            ? { code: error.code, message: error.message }
            : { code: 'internal', message: `${error.code}: ${error.message}` };
        }
        return result;
      }),
    };
  }

  async set(request: SetRequest, options: CallOptions): Promise<SetResponse> {
    const call: RemoteCall = { peer: this.name, operation: 'Set', group: request.group, key: request.key };
    const { value, ttlMs } = request;
    const answer = await this.send(call, {
      method: 'PUT',
      path: encodeKeyPath(request.group, request.key) + (ttlMs ? `?ttlMs=${ttlMs}` : ''),
      context: request,
      options,
      body: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      contentType: OCTET_STREAM,
    });
    return jsonAnswer<SetResponse>(answer, call, (x) => typeof (x as SetResponse).expireAtMs === 'number');
  }

  async setMany(request: SetManyRequest, options: CallOptions): Promise<SetManyResponse> {
    const call: RemoteCall = { peer: this.name, operation: 'SetMany', group: request.group };
    const answer = await this.send(call, {
      method: 'POST',
      path: encodeMethodPath(request.group, BATCH_SET),
      context: request,
      options,
      body: encodeSetEntries(request.entries),
      contentType: BATCH_TYPE,
    });
    const { results } = jsonAnswer<SetManyResponse>(answer, call, (x) =>
      resultsOf(x, request.entries.length, (r) => typeof r.expireAtMs === 'number'),
    );
    return { results: results.map(({ expireAtMs }) => ({ expireAtMs })) };
  }

  async deleteMany(request: DeleteManyRequest, options: CallOptions): Promise<DeleteManyResponse> {
    const call: RemoteCall = { peer: this.name, operation: 'DeleteMany', group: request.group };
    const body = request.localOnly ? { keys: request.keys, localOnly: true } : { keys: request.keys };
    const answer = await this.send(call, {
      method: 'POST',
      path: encodeMethodPath(request.group, BATCH_DELETE),
      context: request,
      options,
      body: Buffer.from(JSON.stringify(body)),
      contentType: JSON_TYPE,
    });
    const { results } = jsonAnswer<DeleteManyResponse>(answer, call, (x) =>
      resultsOf(x, request.keys.length, (r) => typeof r.deleted === 'boolean'),
    );
    return { results: results.map(({ deleted }) => ({ deleted })) };
  }

  async delete(request: DeleteRequest, options: CallOptions): Promise<DeleteResponse> {
    const call: RemoteCall = { peer: this.name, operation: 'Delete', group: request.group, key: request.key };
    const path =
      encodeKeyPath(request.group, request.key) + (request.localOnly ? `?${LOCAL_ONLY_PARAM}=1` : '');
    const answer = await this.send(call, { method: 'DELETE', path, context: request, options });
    return jsonAnswer<DeleteResponse>(
      answer,
      call,
      (x) => typeof (x as DeleteResponse).deleted === 'boolean',
    );
  }

  async flush(request: FlushRequest, options: CallOptions): Promise<FlushResponse> {
    const call: RemoteCall = { peer: this.name, operation: 'Flush', group: request.group };
    const answer = await this.send(call, {
      method: 'POST',
      path: encodeMethodPath(request.group, FLUSH),
      options,
      body: Buffer.from(JSON.stringify({ generation: request.generation })),
      contentType: JSON_TYPE,
      httpOnly: true,
    });
    const { generation } = jsonAnswer<FlushResponse>(answer, call, (x) =>
      Number.isSafeInteger((x as FlushResponse).generation),
    );
    return { generation };
  }

  async expire(request: ExpireRequest, options: CallOptions): Promise<ExpireResponse> {
    // The keys may span groups: errors name none.
    const call: RemoteCall = { peer: this.name, operation: 'Expire', group: '' };
    // Field by field, so nothing else on the caller's objects goes on the wire.
    const keys = request.keys.map(({ group, key, expireAtMs }) => ({ group, key, expireAtMs }));
    const answer = await this.send(call, {
      method: 'POST',
      path: encodeMethodPath('', EXPIRE),
      options,
      body: Buffer.from(JSON.stringify({ keys })),
      contentType: JSON_TYPE,
      httpOnly: true,
    });
    const { removed, scheduled } = jsonAnswer<ExpireResponse>(answer, call, (x) => {
      const body = x as ExpireResponse;
      return Number.isSafeInteger(body.removed) && Number.isSafeInteger(body.scheduled);
    });
    return { removed, scheduled };
  }

  /**
   * Resolves true once calls go as frames to this peer (connecting now if they do not yet), false when they
   * go over HTTP for now: frames are off, the peer refused them, or it could not be reached. Calls never
   * wait for this; it is for tests and for warming a client before its first calls.
   */
  framesReady(): Promise<boolean> {
    return this.frames && !this.closed ? this.frames.ready() : Promise.resolve(false);
  }

  /** Destroys the agent and its connections; calls in flight and later calls reject PeerUnavailableError. */
  async close(): Promise<void> {
    this.closed = true;
    this.frames?.close();
    this.agent.destroy();
  }

  /** The one place a call leaves: as a frame when it may and the connection is up, else as HTTP. */
  private async send(call: RemoteCall, message: OutgoingMessage): Promise<Answer> {
    if (this.closed) throw new PeerUnavailableError(this.name, call.operation, 'client is closed');
    const { context, body } = message;
    const deadlineMs = message.options.deadlineMs;
    checkDeadline(deadlineMs);
    const headers: Record<string, string> = {};
    if (context) headers[HOPS_HEADER] = String(context.hops);
    if (context?.ringVersion) headers[RING_VERSION_HEADER] = context.ringVersion;
    // Checked here, so an id the header cannot carry fails no call: it is only left out.
    const requestId = requestIdOf(message.options.requestId);
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    if (message.accept) headers['accept'] = message.accept;
    if (body && message.contentType) headers['content-type'] = message.contentType;
    const { method, path, httpOnly } = message;
    const operation = call.operation;
    const answer = httpOnly
      ? undefined
      : this.frames?.send({ operation, method, path, headers, body, deadlineMs });
    if (answer) return answer;
    return exchange({
      peer: this.name,
      operation,
      agent: this.agent,
      host: this.host,
      port: this.port,
      method,
      path,
      // A known length, so Node does not switch to chunked encoding.
      headers: body ? { ...headers, 'content-length': body.byteLength } : headers,
      body,
      deadlineMs,
    });
  }

  private expireAt(answer: Answer, call: RemoteCall): number {
    const header = answer.headers[EXPIRE_AT_HEADER];
    const expireAtMs = typeof header === 'string' && /^[0-9]{1,15}$/.test(header) ? Number(header) : NaN;
    // Guessing 0 ("never expires") would keep a copy forever: refuse the answer instead.
    if (Number.isNaN(expireAtMs)) throw malformedAnswer(call, `no valid ${EXPIRE_AT_HEADER} header`);
    return expireAtMs;
  }

  /** The stale header of a GET answer: `1`, or absent for a fresh answer; anything else is not trusted. */
  private isStale(answer: Answer, call: RemoteCall): boolean {
    const header = answer.headers[STALE_HEADER];
    if (header === undefined) return false;
    if (header === '1') return true;
    throw malformedAnswer(call, `${STALE_HEADER} is ${JSON.stringify(header)}, not 1`);
  }
}

/** Host and port of a peer address `host:port` (an IPv6 host in brackets); InvalidArgumentError otherwise. */
export function parseAddress(address: unknown): { host: string; port: number } {
  const match =
    typeof address === 'string' ? /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(address) : null;
  const port = match ? Number(match[3]) : 0;
  if (!match || port < 1 || port > 65535) {
    throw new InvalidArgumentError(
      `HttpPeerClient option address must be host:port, got ${JSON.stringify(address)}`,
    );
  }
  return { host: match[1] ?? match[2], port };
}
