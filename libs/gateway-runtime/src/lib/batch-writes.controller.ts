import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ClusterRouter, type WriteResult } from '@ringcache/cache-core';
import { httpErrorOf } from '@ringcache/peer-http';

import { ApiErrors, ApiGroupParam, ERRORS } from './api-docs';
import { batchEntries, batchKeys } from './batch-bodies';
import { BATCH_DELETE_BODY, BATCH_DELETE_REQUEST, BATCH_SET_BODY, BATCH_SET_REQUEST } from './batch-docs';
import type { GatewayNear } from './near';
import { GATEWAY_LIMITS, GATEWAY_NEAR, type GatewayLimits } from './tokens';

/** Errors of a batch write, besides an owner that cannot be reached. */
const BATCH_WRITE_ERRORS = {
  400: '`invalid_argument`: not the documented body, 0 or more than 1,000 entries, an empty key, a bad `ttl` or base64 value in an entry (named); nothing is stored',
  404: ERRORS.unknownGroup,
  413: "`value_too_large`: an entry's value, or the body, is over the limit; nothing is stored",
  414: "`key_too_long`: an entry's key is over `gateway.maxKeyBytes`; nothing is stored",
};

/**
 * Writes of many keys in one request: split per owner (one call each, in parallel), every entry checked
 * first with the rules of a single write, so a bad entry stores nothing. Not atomic across owners: an owner
 * that cannot be reached fails its own entries, answered 503 with each entry's outcome.
 */
@Controller()
export class BatchWritesController {
  constructor(
    @Inject(ClusterRouter) private readonly router: ClusterRouter,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(GATEWAY_NEAR) private readonly near: GatewayNear,
  ) {}

  @Post('api/v1/groups/:group/keys::batchSet')
  @ApiTags('keys')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Store many values in one request',
    description:
      'Up to 1,000 entries `{key, value (base64), ttl?}`: one call per owner, in parallel; each owner then ' +
      'has every other node (and near cache) drop its copies.',
  })
  @ApiGroupParam()
  @ApiConsumes('application/json')
  @ApiBody({ description: 'The entries to store', schema: BATCH_SET_REQUEST })
  @ApiResponse({ status: 200, description: 'Every entry stored, in request order', schema: BATCH_SET_BODY })
  @ApiResponse({
    status: 503,
    description: "`unavailable`: some entries' owners did not answer",
    schema: BATCH_SET_BODY,
  })
  @ApiErrors(BATCH_WRITE_ERRORS)
  async batchSet(@Param('group') group: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const entries = batchEntries(request.body, this.limits.maxValueBytes);
    const keys = entries.map((e) => e.key);
    await this.answer(
      reply,
      keys,
      'stored',
      () => this.router.setMany(group, entries, { requestId: request.id }),
      group,
    );
  }

  @Post('api/v1/groups/:group/keys::batchDelete')
  @ApiTags('keys')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Invalidate many keys cluster-wide in one request',
    description: 'Up to 1,000 keys: one call per owner, in parallel; no node serves them afterwards.',
  })
  @ApiGroupParam()
  @ApiConsumes('application/json')
  @ApiBody({ description: 'The keys to drop', schema: BATCH_DELETE_REQUEST })
  @ApiResponse({ status: 200, description: 'Every key dropped, in request order', schema: BATCH_DELETE_BODY })
  @ApiResponse({
    status: 503,
    description: "`unavailable`: some keys' owners did not answer",
    schema: BATCH_DELETE_BODY,
  })
  @ApiErrors({ ...BATCH_WRITE_ERRORS, 413: "`value_too_large`: the body is over the gateway's body limit" })
  async batchDelete(
    @Param('group') group: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const keys = batchKeys(request.body);
    await this.answer(
      reply,
      keys,
      'dropped',
      () => this.router.deleteMany(group, keys, { requestId: request.id }),
      group,
    );
  }

  /** Runs the write, drops the near copies, and answers each key's outcome: 200, or 503 when some failed. */
  private async answer<R extends object>(
    reply: FastifyReply,
    keys: string[],
    done: string,
    write: () => Promise<WriteResult<R>[]>,
    group: string,
  ): Promise<void> {
    let outcomes: WriteResult<R>[];
    try {
      outcomes = await write();
    } finally {
      for (const key of keys) this.near.cache?.invalidate({ kind: 'key', group, key });
    }
    const results = outcomes.map((outcome, i) =>
      'error' in outcome
        ? { key: keys[i], error: httpErrorOf(outcome.error).body }
        : { key: keys[i], ...outcome },
    );
    const failed = results.filter((r) => 'error' in r).length;
    if (failed === 0) {
      await reply.status(200).send({ results });
      return;
    }
    const message = `${failed} of ${keys.length} keys not ${done}: their owners did not answer`;
    await reply.status(503).send({ code: 'unavailable', message, results });
  }
}
