import { REQUEST_ID_HEADER } from '@ringcache/cache-core';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Where a JSON answer is written: a node:http ServerResponse. */
export interface JsonSink {
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(text: string): unknown;
}

/** A JSON answer written in node:http, with the request id every gateway answer carries. */
export function sendJson(
  response: JsonSink,
  requestId: string,
  status: number,
  body: string,
  extra?: Record<string, string | number>,
): void {
  response.writeHead(status, {
    ...extra,
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestId,
  });
  response.end(body);
}
