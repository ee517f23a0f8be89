import { RingcacheError, type ErrorCode } from '@ringcache/cache-core';

import type { WireErrorBody } from './wire';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_argument: 400,
  key_too_long: 414,
  value_too_large: 413,
  unknown_group: 404,
  peer_unavailable: 503,
  load_failed: 503,
  unavailable: 503,
  load_timeout: 504,
  unimplemented: 501,
  overloaded: 503,
  internal: 500,
};

/**
 * The HTTP status of a ringcache error code — the one place this mapping exists; the peer server and the
 * gateway both answer with it. An unknown code (a newer peer's) is 500.
 */
export function httpStatusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** An error as an HTTP answer: the status and the JSON body `{code, message}`. */
export interface HttpErrorAnswer {
  status: number;
  body: WireErrorBody & { code: ErrorCode };
}

/**
 * Turns anything thrown while serving a request into its HTTP answer.
 * - A RingcacheError keeps its code and message.
 * - An error carrying a 4xx `statusCode` (Fastify's own: bad URL, unsupported content type, body not
 *   readable) is the caller's fault: `invalid_argument`, or `value_too_large` for 413.
 * - Anything else is a bug or an outage here: `internal`, with a fixed message, so no stack or internal
 *   detail reaches the caller (log the error yourself).
 */
export function httpErrorOf(error: unknown): HttpErrorAnswer {
  if (error instanceof RingcacheError) return answer(error.code, error.message);
  const status = clientErrorStatus(error);
  if (status === 413) return answer('value_too_large', (error as Error).message);
  if (status !== undefined) return answer('invalid_argument', (error as Error).message);
  return answer('internal', 'internal error');
}

function answer(code: ErrorCode, message: string): HttpErrorAnswer {
  return { status: httpStatusOf(code), body: { code, message } };
}

function clientErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
