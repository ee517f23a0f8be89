import type { SchemaObject } from '@nestjs/swagger';

import { ERROR_BODY } from './api-docs';

/** `POST /api/v1/groups/{group}/keys:batchSet`, request. */
export const BATCH_SET_REQUEST: SchemaObject = {
  type: 'object',
  required: ['entries'],
  properties: {
    entries: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['key', 'value'],
        properties: {
          key: { type: 'string' },
          value: { type: 'string', format: 'byte', description: 'The value in base64' },
          ttl: {
            oneOf: [{ type: 'string' }, { type: 'integer' }],
            description: "A duration (`30s`, `5m`) or ms, 1 s to 30 days; default the group's TTL",
          },
        },
      },
    },
  },
  example: { entries: [{ key: 'Tom', value: 'NzAw', ttl: '30s' }] },
};

/** `POST /api/v1/groups/{group}/keys:batchDelete`, request. */
export const BATCH_DELETE_REQUEST: SchemaObject = {
  type: 'object',
  required: ['keys'],
  properties: { keys: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1000 } },
  example: { keys: ['Tom', 'Jack'] },
};

/** One entry's outcome of a batch write: its result, or the error of its owner. */
function resultItems(result: Record<string, SchemaObject>): SchemaObject {
  return {
    type: 'array',
    description: 'One per entry, in request order',
    items: {
      type: 'object',
      required: ['key'],
      properties: {
        key: { type: 'string' },
        ...result,
        error: { ...ERROR_BODY, description: "Present when this entry's owner could not be reached" },
      },
    },
  };
}

/** The answer of a batchSet: every entry stored (200), or some not (503, the same body with a code). */
export const BATCH_SET_BODY: SchemaObject = {
  type: 'object',
  properties: {
    code: { type: 'string', description: '`unavailable`, on a 503 only' },
    message: { type: 'string', description: 'Which entries were not stored, on a 503 only' },
    results: resultItems({
      expireAtMs: { type: 'integer', description: 'Absolute expiry, ms since the epoch; 0 = never' },
    }),
  },
};

/** The answer of a batchDelete, as a batchSet's. */
export const BATCH_DELETE_BODY: SchemaObject = {
  type: 'object',
  properties: {
    code: { type: 'string', description: '`unavailable`, on a 503 only' },
    message: { type: 'string', description: 'Which keys were not dropped, on a 503 only' },
    results: resultItems({ deleted: { type: 'boolean', description: 'Whether the owner held the key' } }),
  },
};
