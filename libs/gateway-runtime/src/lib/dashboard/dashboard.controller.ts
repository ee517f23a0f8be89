import { Controller, Get, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import {
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { DASHBOARD_ASSETS } from '../tokens';
import { DASHBOARD_PATH, type DashboardAssets } from './dashboard-assets';
import { DashboardSampler } from './dashboard-sampler';
import { DashboardStream } from './dashboard-stream';
import { SampleHistory } from './sample-history';

/** The path of the live feed; its streams are neither counted nor shed by the in-flight limit. */
export const EVENTS_PATH = '/api/v1/events';

/** True for a request URL (or an OpenAPI path) of the live feed, with or without a query. */
export function isEventStream(url: string): boolean {
  return url === EVENTS_PATH || url.startsWith(`${EVENTS_PATH}?`);
}

/** The live dashboard: its page and files, the recent history, and the Server-Sent Events feed. */
@Controller()
export class DashboardController {
  constructor(
    @Inject(DASHBOARD_ASSETS) private readonly assets: DashboardAssets,
    @Inject(DashboardSampler) private readonly sampler: DashboardSampler,
    @Inject(DashboardStream) private readonly stream: DashboardStream,
    @Inject(SampleHistory) private readonly history: SampleHistory,
  ) {}

  /** The page: static, no data in it, so it loads without a key and asks for one. */
  @Get('dashboard')
  @ApiExcludeEndpoint()
  page(@Res() reply: FastifyReply): Promise<void> {
    return this.sendAsset(reply, DASHBOARD_PATH);
  }

  @Get('dashboard/:file')
  @ApiExcludeEndpoint()
  file(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    return this.sendAsset(reply, `${DASHBOARD_PATH}/${file}`);
  }

  /** Everything a page needs to draw itself: members, the samples of the last minutes, recent events. */
  @Get('api/v1/dashboard')
  @ApiTags('cluster')
  @ApiOperation({
    summary: 'The dashboard: members, the last 15 minutes of per-node samples, recent cluster events',
    description:
      'Samples are taken every 2 s from every node (rates per second over the interval, bytes at its end) ' +
      'and kept in a bounded ring buffer. Events are joins, leaves and flushes, the last 100.',
  })
  @ApiOkResponse({ description: 'Members, samples (oldest first) and events (oldest first)' })
  snapshot(): object {
    return {
      members: this.sampler.members(),
      samples: this.history.samples(),
      events: this.stream.events(),
    };
  }

  /** Server-Sent Events: `sample` after every sample, `members` on a membership change, `cluster` events. */
  @Get('api/v1/events')
  @ApiTags('cluster')
  @ApiOperation({
    summary: 'Live feed of the dashboard (Server-Sent Events)',
    description:
      'Events: `sample` ({sample, members}) after each sample, `members` (the member list) when membership ' +
      'changes, `cluster` ({t, kind: joined|left|flush, node?, group?}). The stream stays open.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 503,
    description:
      '`overloaded`: `gateway.maxEventStreams` streams are open already; `Retry-After: 2`; ' +
      '`unavailable`: the gateway is shutting down',
  })
  events(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // The response is written by the stream from now on, not by Fastify (nor its request-id header).
    reply.hijack();
    this.stream.open(reply.raw, request.id);
  }

  private async sendAsset(reply: FastifyReply, path: string): Promise<void> {
    const asset = this.assets.get(path);
    if (!asset) throw new NotFoundException(`no such file: ${path}`);
    await reply
      .header('content-type', asset.contentType)
      .header('cache-control', 'no-cache')
      .send(asset.body);
  }
}
