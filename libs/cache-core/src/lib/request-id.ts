import { InvalidArgumentError } from './errors';

/**
 * Request ids: one id per client request, carried on every hop it causes (gateway → owner, node →
 * owner), so the log lines of every process that served it can be found together.
 */

/** The HTTP header, and the gRPC metadata key, that carries a request id. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Longest request id kept, in characters; a longer one is replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;

/** Visible ASCII only: what both an HTTP header and gRPC ASCII metadata carry unchanged. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * `value` when it can travel as a request id as it is — a string of 1 to 128 visible ASCII characters —
 * else undefined (the receiver then makes an id of its own, or sends none). A header given twice arrives
 * as an array: that is refused too.
 */
export function requestIdOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_REQUEST_ID_LENGTH)
    return undefined;
  return VISIBLE_ASCII.test(value) ? value : undefined;
}

/**
 * A source of request ids for requests that arrive without one: `<prefix>-<n>`, a prefix random per
 * source and a counter. Unique enough to find one request's lines across processes, and far cheaper than
 * a random UUID per request (a string concatenation). `prefix` defaults to 10 random hex digits.
 */
export function requestIdSource(prefix = randomPrefix()): () => string {
  if (!requestIdOf(`${prefix}-0`)) {
    throw new InvalidArgumentError(`request id prefix must be visible ASCII, got ${JSON.stringify(prefix)}`);
  }
  let counter = 0;
  return () => `${prefix}-${++counter}`;
}

/** This process's request ids (one prefix per process). */
export const newRequestId: () => string = requestIdSource();

function randomPrefix(): string {
  let prefix = '';
  for (let i = 0; i < 10; i++) prefix += Math.floor(Math.random() * 16).toString(16);
  return prefix;
}

/** What a request's log line says. */
export interface RequestLine {
  reqId: string;
  method: string;
  url: string;
  status: number;
  /** Time to answer, in ms. */
  ms: number;
}

/**
 * Told about every answered request, by Fastify's hooks and by the fast paths that answer before Fastify;
 * the app's implementation (app-shell's requestLog) decides which are worth a line.
 */
export type RequestLog = (line: RequestLine) => void;
