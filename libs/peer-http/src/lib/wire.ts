/**
 * Names of the HTTP encoding of the peer protocol, shared by the client and the server so the two cannot
 * drift apart. The README describes the format as a whole.
 */

/** Every peer route starts here; the rest of the path is `<group>/<key>` or `<group>:<method>`. */
export const PATH_PREFIX = '/_ringcache/';
/** Custom method `POST /_ringcache/<group>:batchGet`: many keys of one group. */
export const BATCH_GET = 'batchGet';
/**
 * Custom method `POST /_ringcache/<group>:batchSet`: many entries, the body binary (batch-codec.ts); answer
 * `{"results":[{"expireAtMs"}]}`.
 */
export const BATCH_SET = 'batchSet';
/**
 * Custom method `POST /_ringcache/<group>:batchDelete`: `{"keys":[...],"localOnly"?:true}`; answer
 * `{"results":[{"deleted"}]}`.
 */
export const BATCH_DELETE = 'batchDelete';
/** Custom method `POST /_ringcache/<group>:flush`: drop the group's entries older than a generation. */
export const FLUSH = 'flush';
/**
 * Custom method `POST /_ringcache/:expire`, with an empty group segment: the keys of one call may belong
 * to different groups, so the group travels with each key.
 */
export const EXPIRE = 'expire';
/** Most keys in one expire call; more are answered 400 `invalid_argument`. */
export const MAX_EXPIRE_KEYS = 10_000;
/** `GET /_ringcache/:invalidations`: a node's invalidations, as newline-delimited JSON, for near caches. */
export const INVALIDATIONS = 'invalidations';
/** Content type of the invalidation stream. */
export const NDJSON_TYPE = 'application/x-ndjson';
/** A line sent on the stream this often when nothing else is, so a dead stream is noticed. */
export const STREAM_HEARTBEAT_MS = 5_000;

/** `GET /_ringcache/:stats`: every group's counters on the node (observability; gRPC: Stats). */
export const STATS = 'stats';
/** `GET /_ringcache/<group>:hot?limit=<n>`: the group's hottest keys lately on the node (observability; gRPC: HotKeys). */
export const HOT = 'hot';
/** Query parameter of `:hot`: how many keys, 1 to MAX_HOT_KEYS; absent means DEFAULT_HOT_LIMIT. */
export const LIMIT_PARAM = 'limit';
export const DEFAULT_HOT_LIMIT = 10;

/** Query parameter of DELETE: `1` drops the key on the receiving node only; `0` or absent: normal delete. */
export const LOCAL_ONLY_PARAM = 'localOnly';

/** Request header: the sender's ring version ('' or absent when unknown). */
export const RING_VERSION_HEADER = 'x-ringcache-ring-version';
/** Request header: hops the request has made, a non-negative integer (absent means 0). */
export const HOPS_HEADER = 'x-ringcache-hops';
/** Response header of GET: absolute expiry in ms since the epoch, 0 = never. Also on a not-found 404. */
export const EXPIRE_AT_HEADER = 'x-ringcache-expire-at';
/** Response header of GET: `1` when the answer is stale (expired, served because reloading failed). */
export const STALE_HEADER = 'x-ringcache-stale';
/** The standard `warning` a stale GET answer also carries (RFC 7234 §5.5.1), for HTTP tools and proxies. */
export const STALE_WARNING = '110 - "Response is Stale"';

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

/**
 * Body of a JSON batchGet answer: one entry per requested key, in request order, values in base64. `stale`
 * is present only when true, like the stale header of GET; `error` only for a key that failed (found is
 * then false). Clients that accept BATCH_TYPE get the binary form instead (batch-codec.ts).
 */
export interface WireBatchResult {
  found: boolean;
  value: string;
  expireAtMs: number;
  stale?: true;
  error?: WireErrorBody;
}
