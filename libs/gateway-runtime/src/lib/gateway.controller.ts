import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import {
  ClusterRouter,
  InvalidArgumentError,
  ValueTooLargeError,
  type FlushResult,
  type GetResponse,
  type PeerSet,
} from '@ringcache/cache-core';
import { parseDuration } from '@ringcache/config';
import type { Discovery } from '@ringcache/discovery';

import type { GatewayNear } from './near';
import { GATEWAY_DISCOVERY, GATEWAY_LIMITS, GATEWAY_NEAR, GATEWAY_PEERS, type GatewayLimits } from './tokens';

/** Header carrying a value's absolute expiry (ms since the epoch; 0 = never). */
export const EXPIRE_AT_HEADER = 'x-ringcache-expire-at';
/** Header set on a value served past its expiry because reloading it failed (stale-on-error). */
export const STALE_HEADER = 'x-ringcache-stale';

/** One answer of a batch get: the value in base64, since a value is bytes. */
interface BatchAnswer {
  key: string;
  found: boolean;
  value?: string;
  expireAtMs: number;
  stale?: boolean;
}

/** The public HTTP API: reads, writes, invalidation, flush. */
@Controller()
export class GatewayController {
  constructor(
    @Inject(ClusterRouter) private readonly router: ClusterRouter,
    @Inject(GATEWAY_PEERS) private readonly peers: PeerSet,
    @Inject(GATEWAY_DISCOVERY) private readonly discovery: Discovery,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(GATEWAY_NEAR) private readonly near: GatewayNear,
  ) {}

  /** A key's value as bytes (200), or 404 JSON when the source has no such key. */
  @Get('api/v1/groups/:group/keys/:key')
  async getKey(
    @Param('group') group: string,
    @Param('key') key: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.send(reply, group, key, await this.read(group, key));
  }

  /** A missing key (`…/keys/` or `…/keys`): a clear 400 rather than "no such route". */
  @Get('api/v1/groups/:group/keys')
  emptyKey(): never {
    throw new InvalidArgumentError('key must not be empty');
  }

  /** Stores the request body as the key's value; `?ttl=30s` (1 s to 30 days), else the group's default. */
  @Put('api/v1/groups/:group/keys/:key')
  async setKey(
    @Param('group') group: string,
    @Param('key') key: string,
    @Query('ttl') ttl: unknown,
    @Req() request: FastifyRequest,
  ): Promise<{ expireAtMs: number }> {
    const ttlMs = ttl === undefined ? 0 : parseTtl(ttl);
    const value = bodyBytes(request);
    if (value.byteLength > this.limits.maxValueBytes)
      throw new ValueTooLargeError(value.byteLength, this.limits.maxValueBytes);
    return this.router.set(group, key, value, ttlMs);
  }

  /** Invalidates a key on every node. */
  @Delete('api/v1/groups/:group/keys/:key')
  async deleteKey(@Param('group') group: string, @Param('key') key: string): Promise<{ deleted: boolean }> {
    try {
      return await this.router.delete(group, key);
    } finally {
      this.near.cache?.invalidate({ kind: 'key', group, key });
    }
  }

  /** Many keys in one request (`{"keys": [...]}`, up to 1,000): one call per owner, in parallel. */
  @Post('api/v1/groups/:group/keys::batchGet')
  @HttpCode(200)
  async batchGet(
    @Param('group') group: string,
    @Req() request: FastifyRequest,
  ): Promise<{ results: BatchAnswer[] }> {
    const keys = batchKeys(request);
    const answers = await this.router.getMany(group, keys);
    return {
      results: answers.map((answer, i) => ({
        key: keys[i],
        found: answer.found,
        ...(answer.found ? { value: Buffer.from(answer.value).toString('base64') } : {}),
        expireAtMs: answer.expireAtMs,
        ...(answer.stale ? { stale: true } : {}),
      })),
    };
  }

  /** Flushes a group on every node: a new generation, applied everywhere before this answers. */
  @Delete('api/v1/groups/:group')
  async flush(@Param('group') group: string): Promise<FlushResult> {
    try {
      return await this.router.flush(group);
    } finally {
      this.near.cache?.invalidate({ kind: 'flush', group, generation: 0 });
    }
  }

  /** The original front path: `GET /api?group=<g>&key=<k>`, group `scores` by default. */
  @Get('api')
  async getLegacy(
    @Query('group') group: unknown,
    @Query('key') key: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const g = group === undefined ? 'scores' : single('group', group);
    const k = single('key', key);
    await this.send(reply, g, k, await this.read(g, k));
  }

  /** The gateway's view of the cluster: members and ring version. */
  @Get('api/v1/cluster')
  cluster(): object {
    return {
      ringVersion: this.peers.ringVersion,
      members: this.peers.members(),
      discovery: { kind: this.discovery.kind, watch: this.discovery.watchState() },
    };
  }

  /** A read through the near cache: its copy, or the owner's answer (kept for next time). */
  private async read(group: string, key: string): Promise<GetResponse> {
    const near = this.near.cache;
    if (!near) return this.router.get(group, key);
    const held = near.get(group, key);
    if (held) {
      this.near.fastPath.hits++;
      return held;
    }
    const startedAt = near.begin();
    const answer = await this.router.get(group, key);
    near.store(group, key, answer, startedAt);
    return answer;
  }

  private async send(reply: FastifyReply, group: string, key: string, response: GetResponse): Promise<void> {
    reply.header(EXPIRE_AT_HEADER, String(response.expireAtMs));
    if (!response.found) {
      await reply.status(404).send({ code: 'not_found', message: `${group}/${key} not found` });
      return;
    }
    if (response.stale) reply.header(STALE_HEADER, '1').header('warning', '110 - "Response is Stale"');
    await reply
      .status(200)
      .header('content-type', 'application/octet-stream')
      .send(Buffer.from(response.value.buffer, response.value.byteOffset, response.value.byteLength));
  }
}

/** A query parameter given exactly once, as a string. */
function single(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(
      value === undefined
        ? `query parameter ${name} is required`
        : `query parameter ${name} must be given once`,
    );
  }
  return value;
}

/** `?ttl=`: a duration ("30s", "5m", "1h", "2d", or ms), between 1 s and 30 days. */
function parseTtl(raw: unknown): number {
  const text = single('ttl', raw);
  let ms: number;
  try {
    ms = parseDuration(/^\d+$/.test(text) ? Number(text) : text);
  } catch (error) {
    throw new InvalidArgumentError(`ttl: ${(error as Error).message}`);
  }
  if (ms < 1_000 || ms > 30 * 24 * 3600 * 1000)
    throw new InvalidArgumentError(`ttl must be between 1s and 30d, got ${text}`);
  return ms;
}

/** The raw request body (every content type arrives as a Buffer: see gatewayBodyParsers). */
function bodyBytes(request: FastifyRequest): Buffer {
  const body = request.body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (!Buffer.isBuffer(body)) throw new InvalidArgumentError('the request body must be the raw value');
  return body;
}

/** `{"keys": [...]}` from a batch request. */
function batchKeys(request: FastifyRequest): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyBytes(request).toString('utf8'));
  } catch {
    throw new InvalidArgumentError('the body must be JSON: {"keys": ["...", ...]}');
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new InvalidArgumentError('the body must be {"keys": [...]} with string keys');
  }
  return keys;
}
