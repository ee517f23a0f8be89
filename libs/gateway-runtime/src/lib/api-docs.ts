import { applyDecorators } from '@nestjs/common';
import { ApiParam, ApiResponse, type SchemaObject } from '@nestjs/swagger';

import { MAX_HOT_KEYS } from '@ringcache/cache-core';

/**
 * The OpenAPI pieces the gateway's controllers share: the error body, the answers each error status
 * stands for, and the path parameters. Statuses follow the one table in peer-http's httpErrorOf.
 */

/** Body of every error answer, and of a "not found" answer. */
export const ERROR_BODY: SchemaObject = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      enum: [
        'not_found',
        'invalid_argument',
        'key_too_long',
        'value_too_large',
        'unknown_group',
        'unavailable',
        'load_failed',
        'load_timeout',
        'overloaded',
        'unauthenticated',
        'permission_denied',
        'rate_limited',
        'internal',
      ],
    },
    message: { type: 'string' },
  },
};

/** What each error status of the gateway stands for, worded for most routes. */
export const ERRORS = {
  badInput:
    '`invalid_argument`: malformed input (bad percent-encoding, empty group or key, bad query parameter)',
  unknownGroup: '`unknown_group`: no node serves this group',
  keyTooLong: '`key_too_long`: the key is over `gateway.maxKeyBytes` (1 KiB by default) of UTF-8',
  valueTooLarge: '`value_too_large`: the body is over `gateway.maxValueBytes` (1 MiB by default)',
  unavailable:
    "`unavailable`: no cache node is known, or none of the key's owners answered; `load_failed`: the source of truth failed",
  ownerUnavailable:
    "`unavailable`: no cache node is known, or the key's owner did not answer (writes never go elsewhere)",
  loadTimeout: '`load_timeout`: the source of truth did not answer within the load timeout',
} as const;

/** One JSON error answer per status: `ApiErrors({ 400: ERRORS.badInput, 404: ERRORS.unknownGroup })`. */
export function ApiErrors(answers: Record<number, string>): MethodDecorator {
  return applyDecorators(
    ...Object.entries(answers).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, schema: ERROR_BODY }),
    ),
  );
}

/** The `group` path parameter. */
export const ApiGroupParam = (): MethodDecorator =>
  ApiParam({ name: 'group', description: 'Cache group, e.g. `scores`', example: 'scores' });

/** The `key` path parameter. */
export const ApiKeyParam = (): MethodDecorator =>
  ApiParam({
    name: 'key',
    description: 'Key, one percent-encoded path segment (a `/` in a key travels as `%2F`)',
    example: 'Tom',
  });

/** Header carrying a value's absolute expiry, on reads. */
export const EXPIRE_AT_HEADER_DOC = {
  'x-ringcache-expire-at': {
    description: 'Absolute expiry of the value (or of the cached "not found"), ms since the epoch; 0 = never',
    schema: { type: 'integer' },
  },
};

/** Headers of a value served stale (expired, reloading failed: stale-on-error). */
export const STALE_HEADERS_DOC = {
  'x-ringcache-stale': {
    description: '`1` when the value expired and reloading it failed',
    schema: { type: 'string' },
  },
  warning: { description: '`110 - "Response is Stale"` on a stale value', schema: { type: 'string' } },
};

/** Which nodes answered a cluster-wide question. */
const NODES_ANSWERED: SchemaObject = {
  type: 'object',
  required: ['asked', 'answered', 'failed'],
  properties: {
    asked: { type: 'integer', description: 'Nodes asked: every node the gateway knows' },
    answered: { type: 'integer' },
    failed: {
      type: 'array',
      description: 'Nodes that did not answer within `peers.deadlineMs`, or answered an error, with why',
      items: {
        type: 'object',
        properties: { node: { type: 'string' }, error: { type: 'string' } },
      },
    },
  },
};

const counters = (names: string[]): SchemaObject => ({
  type: 'object',
  properties: Object.fromEntries(names.map((name) => [name, { type: 'integer' }])),
});

const LRU_STATS = counters(['hits', 'misses', 'evictions', 'expirations', 'rejections', 'bytes', 'items']);

/** `GET /api/v1/groups`. */
export const GROUPS_BODY: SchemaObject = {
  type: 'object',
  required: ['groups', 'nodes'],
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          nodes: { type: 'integer', description: 'Answering nodes that serve the group' },
          gets: {
            type: 'object',
            description:
              "Gets the nodes served: `hits` from a node's main or hot cache, `misses` from a peer or the loader, " +
              '`notFound` answered "not found", `errors` failed. A request forwarded between nodes counts on both.',
            properties: {
              total: { type: 'integer' },
              hits: { type: 'integer' },
              misses: { type: 'integer' },
              notFound: { type: 'integer' },
              errors: { type: 'integer' },
              byOutcome: counters(['hit', 'hot', 'peer', 'load', 'stale', 'not_found', 'error']),
            },
          },
          loads: counters(['ok', 'not_found', 'error']),
          hotCacheHits: { type: 'integer', description: "Gets answered from a node's hot cache" },
          nearCacheHits: {
            type: 'integer',
            description: 'Reads this gateway answered from its own near cache (no node saw them)',
          },
          evictions: { type: 'integer' },
          bytes: { type: 'integer' },
          items: { type: 'integer' },
          main: LRU_STATS,
          hot: LRU_STATS,
        },
      },
    },
    nodes: NODES_ANSWERED,
  },
};

/** `GET /api/v1/groups/{group}/hot`. */
export const HOT_KEYS_BODY: SchemaObject = {
  type: 'object',
  required: ['group', 'keys', 'nodes'],
  properties: {
    group: { type: 'string' },
    keys: {
      type: 'array',
      description: `Most requested lately first, at most \`limit\` (≤ ${MAX_HOT_KEYS})`,
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          count: {
            type: 'number',
            description: 'Requests, each weighted e^(−age/60 s): about the requests of the last minute',
          },
          rate: { type: 'number', description: 'Requests per second: `count` / 60' },
          error: { type: 'number', description: 'How much `count` may overestimate (0 = exact)' },
        },
      },
    },
    nodes: NODES_ANSWERED,
  },
};

/** `DELETE /api/v1/groups/{group}`. */
export const FLUSH_BODY: SchemaObject = {
  type: 'object',
  properties: {
    generation: { type: 'integer', description: "The group's new generation" },
    nodes: { type: 'integer', description: 'Nodes that applied it now' },
    unreachable: {
      type: 'array',
      items: { type: 'string' },
      description: 'Nodes that did not answer; they apply it from etcd when they can',
    },
  },
};

/** `POST /api/v1/groups/{group}/keys:batchGet`, request and answer. */
export const BATCH_REQUEST: SchemaObject = {
  type: 'object',
  required: ['keys'],
  properties: { keys: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1000 } },
  example: { keys: ['Tom', 'Jack'] },
};
export const BATCH_BODY: SchemaObject = {
  type: 'object',
  properties: {
    results: {
      type: 'array',
      description: 'One per requested key, in request order',
      items: {
        type: 'object',
        required: ['key', 'found', 'expireAtMs'],
        properties: {
          key: { type: 'string' },
          found: { type: 'boolean' },
          value: {
            type: 'string',
            format: 'byte',
            description: 'The value in base64; absent when not found',
          },
          expireAtMs: { type: 'integer' },
          stale: { type: 'boolean', description: 'Present (true) only on a stale value' },
        },
      },
    },
  },
};

/** `GET /api/v1/cluster`. */
export const CLUSTER_BODY: SchemaObject = {
  type: 'object',
  properties: {
    ringVersion: { type: 'string' },
    members: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          grpcAddress: { type: 'string' },
          httpAddress: { type: 'string' },
          metadata: { type: 'object', additionalProperties: { type: 'string' } },
          share: { type: 'number', description: "The member's share of the keyspace, 0 to 1" },
        },
      },
    },
    discovery: {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['static', 'etcd'] }, watch: { type: 'string' } },
    },
  },
};
