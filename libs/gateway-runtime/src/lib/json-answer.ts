import type { ServerResponse } from 'node:http';

import { REQUEST_ID_HEADER } from '@ringcache/cache-core';

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON answer written in node:http, with the request id every gateway answer carries. */
export function sendJson(
  response: ServerResponse,
  requestId: string,
  status: number,
  body: string,
  extra?: Record<string, string>,
): void {
  response.writeHead(status, {
    ...extra,
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestId,
  });
  response.end(body);
}
