import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { InvalidArgumentError, type GetResponse, type PeerSet } from '@ringcache/cache-core';
import type { Discovery } from '@ringcache/discovery';

import { GatewayRouter } from './gateway-router';
import { GATEWAY_DISCOVERY, GATEWAY_PEERS } from './tokens';

/** Header carrying a value's absolute expiry (ms since the epoch; 0 = never). */
export const EXPIRE_AT_HEADER = 'x-ringcache-expire-at';

/** The public read API. */
@Controller()
export class GatewayController {
  constructor(
    @Inject(GatewayRouter) private readonly router: GatewayRouter,
    @Inject(GATEWAY_PEERS) private readonly peers: PeerSet,
    @Inject(GATEWAY_DISCOVERY) private readonly discovery: Discovery,
  ) {}

  /** A key's value as bytes (200), or 404 JSON when the source has no such key. */
  @Get('api/v1/groups/:group/keys/:key')
  async getKey(
    @Param('group') group: string,
    @Param('key') key: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.send(reply, group, key, await this.router.get(group, key));
  }

  /** A missing key (`…/keys/` or `…/keys`): a clear 400 rather than "no such route". */
  @Get('api/v1/groups/:group/keys')
  emptyKey(): never {
    throw new InvalidArgumentError('key must not be empty');
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
    await this.send(reply, g, k, await this.router.get(g, k));
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

  private async send(reply: FastifyReply, group: string, key: string, response: GetResponse): Promise<void> {
    if (!response.found) {
      await reply
        .status(404)
        .header(EXPIRE_AT_HEADER, String(response.expireAtMs))
        .send({ code: 'not_found', message: `${group}/${key} not found` });
      return;
    }
    await reply
      .status(200)
      .header('content-type', 'application/octet-stream')
      .header(EXPIRE_AT_HEADER, String(response.expireAtMs))
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
