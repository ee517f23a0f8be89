import { Root, Writer, loadSync } from 'protobufjs';

import { PROTO_PACKAGE, PROTO_PATH } from '@ringcache/proto';
import type { FuzzRandom } from '@ringcache/testing';

import { FUZZ_GROUP, KEPT_GROUP, PRISTINE_KEYS } from './fuzz-requests';

/** Each method of the Cache service with its request message's name. */
export const CACHE_METHODS: readonly [method: string, request: string][] = [
  ['Get', 'GetRequest'],
  ['GetMany', 'GetManyRequest'],
  ['Set', 'SetRequest'],
  ['SetMany', 'SetManyRequest'],
  ['Delete', 'DeleteRequest'],
  ['DeleteMany', 'DeleteManyRequest'],
  ['Flush', 'FlushRequest'],
  ['Expire', 'ExpireRequest'],
];

/** One fuzzed gRPC call: raw request bytes, and the pristine keys they name (touched if the call succeeds). */
export interface FuzzCall {
  method: string;
  bytes: Buffer;
  targets: string[];
}

let root: Root | undefined;
function types(): Root {
  root ??= loadSync(PROTO_PATH);
  return root;
}

/**
 * Strings the messages carry: groups and `fz-` keys. A Flush never gets KEPT_GROUP, so the keys seeded
 * there stay unless a write names them.
 */
function text(random: FuzzRandom, method: string, named: string[], long = true): string {
  const groups = method === 'Flush' ? [FUZZ_GROUP, 'scores', 'nope'] : [KEPT_GROUP, FUZZ_GROUP, 'nope'];
  return random.oneOf([
    () => random.pick(groups),
    () => {
      const key = random.pick(PRISTINE_KEYS);
      named.push(key);
      return key;
    },
    () => `fz-${random.unicode(random.int(0, 10))}`,
    () => `fz-${'y'.repeat(long ? random.pick([1_021, 1_025, 4_000]) : 1)}`,
    () => '',
  ]);
}

/** A varint, fixed, length-delimited or invalid (group, wire type 6/7) value for a field, or a truncated one. */
function field(writer: Writer, random: FuzzRandom, number: number, method: string, named: string[]): void {
  const wire = random.pick([0, 1, 2, 2, 2, 5, 3, 4, 6, 7]);
  writer.uint32(((number << 3) | wire) >>> 0);
  if (wire === 0) writer.uint64(random.pick([0, 1, 2, 99, -1, 2 ** 53, random.int(0, 2 ** 31)]));
  else if (wire === 1) writer.fixed64(random.int(0, 2 ** 31));
  else if (wire === 5) writer.fixed32(random.int(0, 2 ** 31));
  else if (wire === 2) {
    if (random.chance(0.1)) writer.uint32(random.int(1, 1_000)).bytes(random.bytes(random.int(0, 3)));
    else if (random.chance(0.3)) writer.bytes(nested(random, method, named));
    else writer.string(text(random, method, named));
  }
}

/** A message of random fields with random wire types (what a nested entry or key may be, too). */
function nested(random: FuzzRandom, method: string, named: string[]): Uint8Array {
  const writer = Writer.create();
  for (let i = random.int(0, 6); i > 0; i--)
    field(writer, random, random.chance(0.9) ? random.int(1, 6) : random.int(1, 2 ** 29 - 1), method, named);
  return writer.finish();
}

/** A well-typed request with random values (hops, ttls and generations out of range included). */
function typed(random: FuzzRandom, method: string, request: string, named: string[]): Uint8Array {
  const type = types().lookupType(`${PROTO_PACKAGE}.${request}`);
  const s = () => text(random, method, named);
  const n = () => random.pick([0, 1, 2, 50, -1, 2 ** 40, -(2 ** 40), random.int(0, 100_000)]);
  // A long list of short keys, or a short list of keys of any length.
  const keys = () =>
    random.chance(0.03)
      ? Array.from({ length: 1_001 }, () => text(random, method, named, false))
      : Array.from({ length: random.int(0, 5) }, s);
  const value = (big = random.chance(0.02)) => random.bytes(big ? 3_000_000 : random.int(0, 64));
  const message = {
    group: s(),
    key: s(),
    keys: request === 'ExpireRequest' ? keys().map((key) => ({ group: s(), key, expireAtMs: n() })) : keys(),
    ringVersion: random.string(random.int(0, 20)),
    hops: random.pick([0, 1, 2, 99, 2 ** 32 - 1]),
    value: value(),
    ttlMs: n(),
    entries: keys().map((key) => ({ key, value: value(false), ttlMs: n() })),
    localOnly: random.chance(0.5),
    generation: n(),
  };
  return type.encode(type.fromObject(message)).finish();
}

/** One random call: raw bytes, mismatched wire types, or a well-typed message of odd values. */
export function grpcCall(random: FuzzRandom): FuzzCall {
  const [method, request] = random.pick(CACHE_METHODS);
  const named: string[] = [];
  const bytes = random.oneOf([
    () => random.bytes(random.int(0, 300)),
    () => nested(random, method, named),
    () => typed(random, method, request, named),
  ]);
  return { method, bytes: Buffer.from(bytes), targets: named.map((key) => `${KEPT_GROUP}/${key}`) };
}
