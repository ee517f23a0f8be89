import { join } from 'node:path';

import { loadSync } from '@grpc/proto-loader';
import type { Options, PackageDefinition } from '@grpc/proto-loader';

/**
 * Absolute path of ringcache.proto. Resolved from this file's directory, so it holds both in the source tree
 * and in an app's build output, where the build copies `libs/proto/src/ringcache.proto` to the same relative
 * place beside the compiled library (e.g. `dist/apps/cache-node/libs/proto/src/ringcache.proto`).
 */
export const PROTO_PATH = join(__dirname, '..', 'ringcache.proto');

/** The protobuf package of the peer service. */
export const PROTO_PACKAGE = 'ringcache.v1';

/** The fully qualified name of the peer service, as health checks and reflection name it. */
export const CACHE_SERVICE_NAME = `${PROTO_PACKAGE}.Cache`;

/**
 * How every side decodes ringcache messages: clients, the Nest server and the generated types (the flags of
 * scripts/generate-types.mjs say the same thing — change both together).
 *
 * - `keepCase: false`: fields are camelCase (`ringVersion`, `expireAtMs`), the names of the cache-core model.
 * - `longs: Number`: int64 times and TTLs decode to numbers; ms since the epoch stay exact below 2^53.
 * - `enums: String`: enum values decode to their names (none yet; set so a future enum needs no change).
 * - `defaults: true`: absent fields decode to their zero value, so a request without a key reaches the
 *   handler with `key: ''` — which it rejects — rather than `undefined`.
 * - `oneofs: true`: a oneof gets a virtual field naming the member that is set.
 * - bytes decode to Buffer (the loader's default).
 */
export const LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** Loads ringcache.proto with {@link LOADER_OPTIONS}; pass the result to grpc-js `loadPackageDefinition`. */
export function loadRingcacheProto(): PackageDefinition {
  return loadSync(PROTO_PATH, LOADER_OPTIONS);
}
