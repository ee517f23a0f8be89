/**
 * Names of the HTTP encoding of the peer protocol, shared by the client and the server so the two cannot
 * drift apart. The README describes the format as a whole.
 */

/** Every peer route starts here; the rest of the path is `<group>/<key>` or `<group>:<method>`. */
export const PATH_PREFIX = '/_ringcache/';
/** The one custom method so far: `POST /_ringcache/<group>:batchGet`. */
export const BATCH_GET = 'batchGet';

/** Request header: the sender's ring version ('' or absent when unknown). */
export const RING_VERSION_HEADER = 'x-ringcache-ring-version';
/** Request header: hops the request has made, a non-negative integer (absent means 0). */
export const HOPS_HEADER = 'x-ringcache-hops';
/** Response header of GET: absolute expiry in ms since the epoch, 0 = never. Also on a not-found 404. */
export const EXPIRE_AT_HEADER = 'x-ringcache-expire-at';

export const OCTET_STREAM = 'application/octet-stream';
export const JSON_TYPE = 'application/json';

/**
 * The `code` of a GET 404 that is an answer, not an error: the key is (cached as) not found. Not an
 * ErrorCode: nothing throws it, and other 404s (`unknown_group`) are errors.
 */
export const NOT_FOUND_CODE = 'not_found';

/** Body of every error answer, and of the not-found answer. */
export interface WireErrorBody {
  code: string;
  message: string;
}

/** Body of a batchGet answer: one entry per requested key, in request order, values in base64. */
export interface WireBatchResult {
  found: boolean;
  value: string;
  expireAtMs: number;
}
