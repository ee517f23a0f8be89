import * as crypto from 'node:crypto';

import type { ApiKeyConfig } from '@ringcache/config';

import { GatewayAuth } from './gateway-auth';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const sha256 = (key: string) => crypto.createHash('sha256').update(key).digest('hex');
const KEYS: ApiKeyConfig[] = [
  { name: 'reader', sha256: sha256('r-key'), scopes: ['read'] },
  { name: 'app', sha256: sha256('a-key'), scopes: ['read', 'write'] },
  { name: 'ops', sha256: sha256('o-key'), scopes: ['admin'] },
];
const KEY_URL = '/api/v1/groups/scores/keys/Tom';
const bearer = (key: string) => `Bearer ${key}`;

describe('GatewayAuth', () => {
  const auth = new GatewayAuth({ apiKeys: KEYS });

  it('lets everything through when no key is configured', () => {
    const open = new GatewayAuth({ apiKeys: [] });
    expect(open.enabled).toBe(false);
    expect(open.check('DELETE', '/api/v1/groups/scores', undefined)).toBeUndefined();
  });

  it('keeps health, readiness and metrics open', () => {
    for (const url of ['/healthz', '/readyz', '/metrics'])
      expect(auth.check('GET', url, undefined)).toBeUndefined();
  });

  describe('the scope table, key by key', () => {
    const routes: [method: string, url: string, need: 'read' | 'write' | 'admin'][] = [
      ['GET', KEY_URL, 'read'],
      ['POST', '/api/v1/groups/scores/keys:batchGet', 'read'],
      ['PUT', KEY_URL, 'write'],
      ['DELETE', KEY_URL, 'write'],
      ['POST', '/api/v1/groups/scores/keys:batchSet', 'write'],
      ['POST', '/api/v1/groups/scores/keys:batchDelete', 'write'],
      ['DELETE', '/api/v1/groups/scores', 'admin'],
      ['GET', '/api/v1/groups', 'admin'],
      ['GET', '/api/v1/groups/scores/hot', 'admin'],
      ['GET', '/api/v1/cluster', 'admin'],
      ['GET', '/docs', 'admin'],
    ];
    const cases = routes.flatMap(([method, url, need]) =>
      KEYS.map((key) => [method, url, key.name, key.scopes.includes(need) ? 'allowed' : 403] as const),
    );
    it.each(cases)('%s %s with %s: %s', (method, url, name, expected) => {
      const key = { reader: 'r-key', app: 'a-key', ops: 'o-key' }[name] as string;
      const refusal = auth.check(method, url, bearer(key));
      expect(refusal?.status ?? 'allowed').toBe(expected);
      if (refusal) {
        expect(refusal.code).toBe('permission_denied');
        expect(refusal.message).toContain(`API key ${name} lacks the`);
        expect(refusal.message).not.toContain(key);
      }
    });
  });

  describe('the Authorization header', () => {
    it.each([
      ['missing', undefined],
      ['without the Bearer scheme', 'a-key'],
      ['another scheme', 'Basic a-key'],
      ['an empty key', 'Bearer '],
      ['only spaces after Bearer', 'Bearer    '],
      ['Bearer with no space', 'Bearera-key'],
      ['two tokens', 'Bearer a-key extra'],
      ['the empty string', ''],
    ])('is refused 401 when %s', (_what, header) => {
      expect(auth.check('GET', KEY_URL, header)).toEqual({
        status: 401,
        code: 'unauthenticated',
        message: 'missing API key: send the header Authorization: Bearer <key>',
      });
    });

    it.each([
      ['lowercase bearer', 'bearer a-key'],
      ['uppercase BEARER', 'BEARER a-key'],
      ['extra spaces between', 'Bearer    a-key'],
      ['spaces around', '  Bearer a-key  '],
    ])('takes %s', (_what, header) => {
      expect(auth.check('PUT', KEY_URL, header)).toBeUndefined();
    });

    it('refuses an unknown key 401, and a key differing in case (keys are exact)', () => {
      for (const key of ['nope', 'A-KEY', 'a-key ' + 'x']) {
        const refusal = auth.check('GET', KEY_URL, bearer(key));
        expect(refusal).toMatchObject({ status: 401, code: 'unauthenticated' });
      }
      expect(auth.check('GET', KEY_URL, bearer('nope'))?.message).toBe('unknown API key');
    });
  });

  it('compares digests with timingSafeEqual, against every configured key', () => {
    const compare = crypto.timingSafeEqual as unknown as jest.Mock;
    compare.mockClear();
    auth.check('GET', KEY_URL, bearer('r-key'));
    expect(compare).toHaveBeenCalledTimes(KEYS.length);
    compare.mockClear();
    auth.check('GET', KEY_URL, bearer('unknown'));
    expect(compare).toHaveBeenCalledTimes(KEYS.length);
  });

  it('answers 429 with Retry-After past a key rate limit, per key', () => {
    let now = 0;
    const limited = new GatewayAuth({
      apiKeys: [
        { ...KEYS[1], rateLimit: { perSecond: 0.5, burst: 2 } },
        { ...KEYS[0], rateLimit: { perSecond: 100, burst: 1 } },
      ],
      now: () => now,
    });
    expect(limited.check('GET', KEY_URL, bearer('a-key'))).toBeUndefined();
    expect(limited.check('GET', KEY_URL, bearer('a-key'))).toBeUndefined();
    expect(limited.check('GET', KEY_URL, bearer('a-key'))).toEqual({
      status: 429,
      code: 'rate_limited',
      message: 'API key app is over its rate limit',
      retryAfterS: 2,
    });
    // Another key has its own bucket; refused requests (401, 403) take no token.
    expect(limited.check('GET', KEY_URL, bearer('r-key'))).toBeUndefined();
    now += 2_000;
    expect(limited.check('GET', KEY_URL, bearer('a-key'))).toBeUndefined();
  });
});
