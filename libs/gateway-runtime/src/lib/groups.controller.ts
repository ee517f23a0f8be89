import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';

import { ClusterStats, MAX_HOT_KEYS, type ClusterGroups, type ClusterHotKeys } from '@ringcache/cache-core';

import { ApiErrors, ApiGroupParam, ERRORS, GROUPS_BODY, HOT_KEYS_BODY } from './api-docs';
import { DEFAULT_HOT_LIMIT, parseLimit } from './query-params';

/** Cluster-wide statistics of the cache groups, asked of every node at once. */
@ApiTags('groups')
@Controller('api/v1/groups')
export class GroupsController {
  constructor(@Inject(ClusterStats) private readonly stats: ClusterStats) {}

  /** Every group's counters, summed over the nodes that answer. */
  @Get()
  @ApiOperation({
    summary: 'Every cache group with its counters summed over the nodes',
    description:
      'Asks every node in parallel (each within `peers.deadlineMs`). A node that does not answer is listed ' +
      'in `nodes.failed` and the others are summed.',
  })
  @ApiOkResponse({ description: 'The groups, by name, and which nodes answered', schema: GROUPS_BODY })
  @ApiErrors({ 503: '`unavailable`: no cache node is known, or none answered' })
  groups(): Promise<ClusterGroups> {
    return this.stats.groups();
  }

  /** A group's hottest keys across the cluster, counts rounded for reading. */
  @Get(':group/hot')
  @ApiOperation({
    summary: "A group's hottest keys by recent request rate",
    description:
      "Each node's top keys (counted where requests enter the cluster, with bounded memory) and this " +
      "gateway's near-cache hits, summed by key. Counts decay with a 60 s time constant. Other gateways' " +
      'near-cache hits are not included.',
  })
  @ApiGroupParam()
  @ApiQuery({
    name: 'limit',
    required: false,
    description: `How many keys, 1 to ${MAX_HOT_KEYS}`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_HOT_KEYS, default: DEFAULT_HOT_LIMIT },
  })
  @ApiOkResponse({ description: 'The hottest keys, hottest first', schema: HOT_KEYS_BODY })
  @ApiErrors({
    400: `\`invalid_argument\`: \`limit\` is not an integer from 1 to ${MAX_HOT_KEYS}, or is given twice`,
    404: ERRORS.unknownGroup,
    503: '`unavailable`: no cache node is known, or none answered',
  })
  async hot(@Param('group') group: string, @Query('limit') limit: unknown): Promise<ClusterHotKeys> {
    const answer = await this.stats.hotKeys(group, parseLimit(limit));
    return {
      ...answer,
      keys: answer.keys.map(({ key, count, rate, error }) => ({
        key,
        count: round(count, 3),
        rate: round(rate, 4),
        error: round(error, 3),
      })),
    };
  }
}

/** `value` rounded to `digits` decimals. */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
