import { deepJson, type FuzzRandom } from '@ringcache/testing';

import type { FuzzRequest } from './fuzz-http';

/**
 * Random requests for the gateway's API and the nodes' peer routes. The fuzzer's writes only ever name
 * keys starting `fz-`, and whole-group writes (flush) never name KEPT_GROUP, so the suites can seed other
 * keys before and check after that nothing but accepted writes changed the cache.
 */

/** Seeded before the run, never a target of a whole-group write. */
export const KEPT_GROUP = 'kept';
/** A second group, free to be flushed. */
export const FUZZ_GROUP = 'fz';
/** Keys of KEPT_GROUP the fuzzer writes to (rejected writes must leave them as seeded). */
export const PRISTINE_KEYS = Array.from({ length: 20 }, (_, i) => `fz-p${i}`);

const METHODS = [
  'GET',
  'GET',
  'PUT',
  'PUT',
  'POST',
  'POST',
  'DELETE',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'FUZZ',
];
const CONTENT_TYPES = [
  'application/json',
  'application/octet-stream',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/x-ringcache-batch',
  'application/',
  ';;;',
];

/** A key the fuzzer may write: a pristine one, or a fresh `fz-` one. */
function plainKey(random: FuzzRandom): string {
  return random.chance(0.4) ? random.pick(PRISTINE_KEYS) : `fz-${random.string(random.int(0, 12))}`;
}

/** A key as a path segment: its encoded form (`key` set), or a broken or odd encoding (`key` undefined). */
function keySegment(random: FuzzRandom): { segment: string; key?: string } {
  const key = plainKey(random);
  return random.oneOf<{ segment: string; key?: string }>([
    () => ({ segment: encodeURIComponent(key), key }),
    () => ({ segment: [...key].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join(''), key }),
    () => {
      // Every byte percent-encoded in lower case; lone surrogates arrive as U+FFFD.
      const odd = Buffer.from(`${key}${random.unicode(random.int(1, 6))}`);
      return { segment: [...odd].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('') };
    },
    () => ({
      segment: `${key}${random.pick(['%', '%Z', '%ZZ', '%C3%28', '%ED%A0%80', '%00', '%2F', '%FF%FE', '%%'])}`,
    }),
    () => ({ segment: `${key}/${random.string(3)}` }),
    () => ({ segment: `fz-${'x'.repeat(random.pick([1_022, 1_100, 4_000]))}` }),
    () => ({ segment: '' }),
  ]);
}

/** A body: random bytes, broken or deep or huge JSON, wrong types, or a plausible batch for `keys`. */
function body(random: FuzzRandom, keys: string[]): Buffer | undefined {
  const b64 = () => random.bytes(random.int(0, 16)).toString('base64');
  const text = random.oneOf<string | Buffer | undefined>([
    () => undefined,
    () => random.bytes(random.int(0, 512)),
    () => JSON.stringify(random.json()),
    () => JSON.stringify(random.json()).slice(0, -1),
    () => deepJson(random.pick([100, 5_000, 50_000]), random.chance(0.5)),
    () => `{"keys":[${'"fz-a",'.repeat(random.chance(0.9) ? 10 : 200_000)}"fz-b"]}`,
    () => JSON.stringify({ keys: random.json(), entries: random.json(), generation: random.json() }),
    () => JSON.stringify({ keys }),
    () => JSON.stringify({ keys: keys.map((key) => ({ group: FUZZ_GROUP, key })) }),
    () =>
      JSON.stringify({
        entries: keys.map((key) => ({
          key,
          value: b64(),
          ...(random.chance(0.3) ? { ttl: random.pick(['30s', '0s', 'x', 5, null]) } : {}),
        })),
      }),
    () =>
      JSON.stringify({
        entries: keys.map((key) => ({ key, value: random.pick([5, null, 'not base64!', b64()]) })),
      }),
    () => JSON.stringify({ generation: random.pick([1, -1, 1.5, 'x', 2 ** 60]) }),
    () => random.unicode(random.int(0, 64)),
  ]);
  return text === undefined ? undefined : Buffer.isBuffer(text) ? text : Buffer.from(text);
}

/** Headers: a content type or none, odd values, huge values within node's limit, garbage credentials. */
function headers(random: FuzzRandom, extra: () => Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (random.chance(0.7)) out['content-type'] = random.pick(CONTENT_TYPES);
  if (random.chance(0.2))
    out['authorization'] =
      random.pick(['Bearer ', 'Basic ', '', 'Bearer x y']) + random.string(random.int(0, 80), 'ab=/+.~!"#$');
  if (random.chance(0.1)) out['x-fuzz'] = 'h'.repeat(random.int(1, 8_000));
  if (random.chance(0.1))
    out['accept'] = random.pick(['*/*', 'application/x-ringcache-batch', 'text/html', '']);
  if (random.chance(0.05)) out['x-request-id'] = random.string(random.int(0, 300), 'abc\t -');
  return { ...out, ...extra() };
}

/** Finishes a request: a body for most methods, sometimes a Content-Length short of it. */
function finish(
  random: FuzzRandom,
  method: string,
  path: string,
  targets: string[],
  extra = () => ({}),
  flushes: string[] = [],
): FuzzRequest {
  const payload =
    method === 'GET' || method === 'HEAD'
      ? random.chance(0.1)
        ? body(random, targets)
        : undefined
      : body(random, targets);
  const shortLength =
    payload && payload.length > 2 && random.chance(0.03) ? random.int(1, payload.length - 1) : undefined;
  return { method, path, headers: headers(random, extra), body: payload, shortLength, targets, flushes };
}

function group(random: FuzzRandom): string {
  return random.pick([
    KEPT_GROUP,
    FUZZ_GROUP,
    FUZZ_GROUP,
    'scores',
    'nope',
    random.string(random.int(0, 10)),
    '%ZZ',
  ]);
}

/** A group a whole-group write may name: never KEPT_GROUP. */
function flushableGroup(random: FuzzRandom): string {
  return random.pick([FUZZ_GROUP, 'scores', 'nope', '', '%2F', random.string(random.int(1, 10))]);
}

function keysOf(random: FuzzRandom): string[] {
  return Array.from({ length: random.int(0, 5) }, () => plainKey(random));
}

/** A custom method (`:batchGet` and so on) on a group, mostly POSTed, naming a few keys. */
function batch(
  random: FuzzRandom,
  method: string,
  verbs: string[],
  pathOf: (group: string, verb: string) => string,
  extra?: () => Record<string, string>,
): FuzzRequest {
  const g = group(random);
  const keys = keysOf(random);
  const path = pathOf(g, random.pick(verbs));
  return finish(
    random,
    random.chance(0.7) ? 'POST' : method,
    path,
    keys.map((k) => `${g}/${k}`),
    extra,
  );
}

/** One random request for the gateway. */
export function gatewayRequest(random: FuzzRandom): FuzzRequest {
  const method = random.pick(METHODS);
  return random.oneOf([
    () => {
      const g = group(random);
      const { segment, key } = keySegment(random);
      const ttl = random.chance(0.2)
        ? `?ttl=${random.pick(['30s', '0', '-1s', '31d', '%ZZ', 'x', '1s&ttl=2s'])}`
        : '';
      return finish(random, method, `/api/v1/groups/${g}/keys/${segment}${ttl}`, key ? [`${g}/${key}`] : []);
    },
    () =>
      batch(
        random,
        method,
        ['batchGet', 'batchSet', 'batchDelete', 'batchNope', ''],
        (g, verb) => `/api/v1/groups/${g}/keys:${verb}`,
      ),
    () => {
      const g = flushableGroup(random);
      return finish(random, method, `/api/v1/groups/${g}`, [], undefined, [g]);
    },
    () =>
      finish(
        random,
        method,
        random.pick([
          '/api/v1/groups',
          `/api/v1/groups/${group(random)}/hot?limit=${random.pick(['5', '0', '-1', 'x', '100000'])}`,
          '/api/v1/cluster',
          '/docs',
          '/docs/json',
          '/docs/%ZZ',
          '/healthz',
          '/readyz',
          '/metrics',
        ]),
        [],
      ),
    () => finish(random, method, `/api?group=${group(random)}&key=${keySegment(random).segment}`, []),
    () => finish(random, method, `/${random.string(random.int(0, 40), 'abc/%:?&=.-_~')}`, []),
  ]);
}

/** Peer-route headers: odd hop counts and ring versions. */
function peerHeaders(random: FuzzRandom): Record<string, string> {
  const out: Record<string, string> = {};
  if (random.chance(0.3))
    out['x-ringcache-hops'] = random.pick(['0', '1', '2', '99', '-1', 'abc', '1.5', '']);
  if (random.chance(0.3)) out['x-ringcache-ring-version'] = random.string(random.int(0, 40));
  return out;
}

/** One random request for a node's HTTP peer routes (never a GET of the never-ending invalidation stream). */
export function peerRequest(random: FuzzRandom): FuzzRequest {
  const method = random.pick(METHODS);
  const extra = () => peerHeaders(random);
  return random.oneOf([
    () => {
      const g = group(random);
      const { segment, key } = keySegment(random);
      const query = random.chance(0.2)
        ? `?${random.pick(['ttlMs=1000', 'ttlMs=-5', 'ttlMs=x', 'localOnly=true', 'localOnly=maybe'])}`
        : '';
      return finish(random, method, `/_ringcache/${g}/${segment}${query}`, key ? [`${g}/${key}`] : [], extra);
    },
    () =>
      batch(
        random,
        method,
        ['batchGet', 'batchSet', 'batchDelete', 'hot', 'nope'],
        (g, verb) => `/_ringcache/${g}:${verb}`,
        extra,
      ),
    () => {
      const g = flushableGroup(random);
      return finish(random, 'POST', `/_ringcache/${g}:flush`, [], extra, [g]);
    },
    () => {
      const keys = keysOf(random);
      return finish(
        random,
        'POST',
        '/_ringcache/:expire',
        keys.map((k) => `${FUZZ_GROUP}/${k}`),
        extra,
      );
    },
    () => finish(random, random.pick(['POST', 'PUT', 'DELETE']), '/_ringcache/:invalidations', [], extra),
    () =>
      finish(
        random,
        method,
        random.pick([
          '/_ringcache/:stats',
          '/_ringcache/',
          '/_ringcache',
          '/cluster',
          '/healthz',
          '/metrics',
          '/_ringcache/%ZZ:batchGet',
        ]),
        [],
        extra,
      ),
    () =>
      finish(random, method, `/_ringcache/${random.string(random.int(0, 40), 'abc/%:?&=.-_~')}`, [], extra),
  ]);
}
