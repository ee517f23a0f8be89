import {
  applyDecorators,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import {
  ClusterRouter,
  InvalidArgumentError,
  ValueTooLargeError,
  type FlushResult,
  type GetResponse,
  type PeerSet,
} from '@ringcache/cache-core';
import type { Discovery } from '@ringcache/discovery';

import {
  ApiErrors,
  ApiGroupParam,
  ApiKeyParam,
  BATCH_BODY,
  BATCH_REQUEST,
  CLUSTER_BODY,
  ERROR_BODY,
  ERRORS,
  EXPIRE_AT_HEADER_DOC,
  FLUSH_BODY,
  STALE_HEADERS_DOC,
} from './api-docs';
import type { GatewayNear } from './near';
import { batchKeys } from './batch-bodies';
import { parseTtl, single } from './query-params';
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

/** A read's answers: the value as bytes, or "not found" (a cached answer of the source, not an error). */
const ApiValueResponses = (): MethodDecorator =>
  applyDecorators(
    ApiResponse({
      status: 200,
      description: 'The value as sent when it was stored or loaded',
      headers: { ...EXPIRE_AT_HEADER_DOC, ...STALE_HEADERS_DOC },
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    }),
    ApiResponse({
      status: 404,
      description: `\`not_found\`: the source of truth has no such key (a cached "not found"); or ${ERRORS.unknownGroup}`,
      headers: EXPIRE_AT_HEADER_DOC,
      schema: ERROR_BODY,
    }),
  );

/** Errors of a read, besides "not found". */
const READ_ERRORS = {
  400: ERRORS.badInput,
  414: ERRORS.keyTooLong,
  503: ERRORS.unavailable,
  504: ERRORS.loadTimeout,
};

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
  @ApiTags('keys')
  @ApiOperation({
    summary: "A key's value",
    description:
      "Read through the cluster: the key's owner answers from memory or loads it once from the source of truth. " +
      "A key held in this gateway's near cache is answered before the framework runs (a fast path in the HTTP " +
      'server), with the same statuses, headers and bodies.',
  })
  @ApiGroupParam()
  @ApiKeyParam()
  @ApiValueResponses()
  @ApiErrors(READ_ERRORS)
  async getKey(
    @Param('group') group: string,
    @Param('key') key: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.send(reply, group, key, await this.read(group, key, reply.request.id));
  }

  /** A missing key (`…/keys/` or `…/keys`): a clear 400 rather than "no such route". */
  @Get('api/v1/groups/:group/keys')
  @ApiTags('keys')
  @ApiOperation({ summary: 'A read without a key: always 400, saying so' })
  @ApiGroupParam()
  @ApiErrors({ 400: '`invalid_argument`: key must not be empty' })
  emptyKey(): never {
    throw new InvalidArgumentError('key must not be empty');
  }

  /** Stores the request body as the key's value; `?ttl=30s` (1 s to 30 days), else the group's default. */
  @Put('api/v1/groups/:group/keys/:key')
  @ApiTags('keys')
  @ApiOperation({
    summary: 'Store a value',
    description:
      "The body's bytes are the value, whatever the content type. The key's owner stores it, then every other " +
      'node (and every near cache) drops its copy.',
  })
  @ApiGroupParam()
  @ApiKeyParam()
  @ApiQuery({
    name: 'ttl',
    required: false,
    description:
      "Time to live: a duration (`30s`, `5m`, `1h`, `2d`) or milliseconds, from 1 s to 30 days. Default: the group's TTL.",
    schema: { type: 'string', example: '30s' },
  })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ description: 'The value, as raw bytes', schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({
    description: 'Stored',
    schema: {
      type: 'object',
      properties: {
        expireAtMs: { type: 'integer', description: 'Absolute expiry, ms since the epoch; 0 = never' },
      },
    },
  })
  @ApiErrors({
    400: '`invalid_argument`: bad `ttl` (not a duration, outside 1 s to 30 days, given twice), bad percent-encoding',
    404: ERRORS.unknownGroup,
    413: ERRORS.valueTooLarge,
    414: ERRORS.keyTooLong,
    503: ERRORS.ownerUnavailable,
  })
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
    try {
      return await this.router.set(group, key, value, ttlMs, { requestId: request.id });
    } finally {
      // The owner's invalidation reaches this gateway's near cache too, but maybe after the answer:
      // dropping the copy here makes the next read through this gateway see the write.
      this.near.cache?.invalidate({ kind: 'key', group, key });
    }
  }

  /** Invalidates a key on every node. */
  @Delete('api/v1/groups/:group/keys/:key')
  @ApiTags('keys')
  @ApiOperation({
    summary: 'Invalidate a key cluster-wide',
    description: 'The owner drops it and tells every other node; the next read loads it again.',
  })
  @ApiGroupParam()
  @ApiKeyParam()
  @ApiOkResponse({
    description: 'Dropped (or was not held)',
    schema: {
      type: 'object',
      properties: { deleted: { type: 'boolean', description: 'Whether the owner held the key' } },
    },
  })
  @ApiErrors({
    400: ERRORS.badInput,
    404: ERRORS.unknownGroup,
    414: ERRORS.keyTooLong,
    503: ERRORS.ownerUnavailable,
  })
  async deleteKey(
    @Param('group') group: string,
    @Param('key') key: string,
    @Req() request: FastifyRequest,
  ): Promise<{ deleted: boolean }> {
    try {
      return await this.router.delete(group, key, { requestId: request.id });
    } finally {
      this.near.cache?.invalidate({ kind: 'key', group, key });
    }
  }

  /** Many keys in one request (`{"keys": [...]}`, up to 1,000): one call per owner, in parallel. */
  @Post('api/v1/groups/:group/keys::batchGet')
  @ApiTags('keys')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Many keys in one request',
    description: 'Up to 1,000 keys: one call per owner, in parallel. Values come back in base64.',
  })
  @ApiGroupParam()
  @ApiConsumes('application/json')
  @ApiBody({ description: 'The keys to read', schema: BATCH_REQUEST })
  @ApiOkResponse({ description: 'One answer per key, in request order', schema: BATCH_BODY })
  @ApiErrors({
    400: '`invalid_argument`: the body is not `{"keys": [...]}` with 1 to 1,000 string keys, or a key is empty',
    404: ERRORS.unknownGroup,
    413: "`value_too_large`: the body is over the gateway's body limit",
    414: ERRORS.keyTooLong,
    503: ERRORS.unavailable,
    504: ERRORS.loadTimeout,
  })
  async batchGet(
    @Param('group') group: string,
    @Req() request: FastifyRequest,
  ): Promise<{ results: BatchAnswer[] }> {
    const keys = batchKeys(request.body);
    const answers = await this.router.getMany(group, keys, { requestId: request.id });
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
  @ApiTags('groups')
  @ApiOperation({
    summary: 'Flush a group cluster-wide',
    description:
      'A new generation for the group (in etcd, where every node watches it), then every node is told directly.',
  })
  @ApiGroupParam()
  @ApiOkResponse({ description: 'Flushed', schema: FLUSH_BODY })
  @ApiErrors({ 400: ERRORS.badInput, 404: ERRORS.unknownGroup, 503: '`unavailable`: no cache node is known' })
  async flush(@Param('group') group: string, @Req() request: FastifyRequest): Promise<FlushResult> {
    try {
      return await this.router.flush(group, { requestId: request.id });
    } finally {
      this.near.cache?.invalidate({ kind: 'flush', group, generation: 0 });
    }
  }

  /** The original front path: `GET /api?group=<g>&key=<k>`, group `scores` by default. */
  @Get('api')
  @ApiTags('keys')
  @ApiOperation({
    summary: "A key's value, by the original front path",
    description: '`GET /api?group=<g>&key=<k>`',
  })
  @ApiQuery({
    name: 'group',
    required: false,
    description: 'Cache group; default `scores`',
    schema: { type: 'string' },
  })
  @ApiQuery({
    name: 'key',
    required: true,
    description: 'The key',
    schema: { type: 'string', example: 'Tom' },
  })
  @ApiValueResponses()
  @ApiErrors({ ...READ_ERRORS, 400: '`invalid_argument`: `key` missing or empty, a parameter given twice' })
  async getLegacy(
    @Query('group') group: unknown,
    @Query('key') key: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const g = group === undefined ? 'scores' : single('group', group);
    const k = single('key', key);
    await this.send(reply, g, k, await this.read(g, k, reply.request.id));
  }

  /** The gateway's view of the cluster: members and ring version. */
  @Get('api/v1/cluster')
  @ApiTags('cluster')
  @ApiOperation({ summary: "The gateway's view of the cluster: members, their ring shares, ring version" })
  @ApiOkResponse({ description: 'Members, ring version and discovery state', schema: CLUSTER_BODY })
  cluster(): object {
    const shares = this.peers.shares();
    return {
      ringVersion: this.peers.ringVersion,
      // Each member's share of the keyspace (0 to 1), as the ring routes keys.
      members: this.peers.members().map((m) => ({ ...m, share: shares.get(m.name) ?? 0 })),
      discovery: { kind: this.discovery.kind, watch: this.discovery.watchState() },
    };
  }

  /** A read through the near cache: its copy, or the owner's answer (kept for next time). */
  private async read(group: string, key: string, requestId: string): Promise<GetResponse> {
    const near = this.near.cache;
    if (!near) return this.router.get(group, key, { requestId });
    const held = near.get(group, key);
    if (held) {
      this.near.fastPath.stats.hits++;
      return held;
    }
    return near.fill(group, key, () => this.router.get(group, key, { requestId }));
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

/** The raw request body (every content type arrives as a Buffer: see gatewayBodyParsers). */
function bodyBytes(request: FastifyRequest): Buffer {
  const body = request.body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (!Buffer.isBuffer(body)) throw new InvalidArgumentError('the request body must be the raw value');
  return body;
}
