import type { ApiKeyConfig, ApiScope } from './ringcache-config';
import {
  NAME,
  NAME_RULE,
  fail,
  fraction,
  integer,
  isMapping,
  matching,
  type Problem,
  Invalid,
} from './readers';

/** Every scope a key may hold. */
export const API_SCOPES: readonly ApiScope[] = ['read', 'write', 'admin'];

const KEY_FIELDS = ['name', 'sha256', 'scopes', 'rateLimit'];
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const perSecond = fraction(0.001, 1_000_000);
const burst = integer(1, 1_000_000);

/**
 * `gateway.apiKeys`: a list of `{ name, sha256, scopes, rateLimit? }`, names unique, sha256 the 64 hex
 * digits of the key's SHA-256 (stored lowercase), scopes a non-empty list of read, write, admin. Every
 * problem is reported, at its index. RINGCACHE_GATEWAY_API_KEYS holds the same list as JSON.
 */
export function apiKeys(raw: unknown): ApiKeyConfig[] {
  if (!Array.isArray(raw)) fail('must be a list of { name, sha256, scopes }', raw);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const keys = raw.map((item: unknown, i) => readKey(item, `[${i}]`, problems));
  keys.forEach((key, i) => {
    if (key.name !== '' && seen.has(key.name))
      problems.push({ at: `[${i}].name`, message: 'duplicate API key name', value: key.name });
    seen.add(key.name);
  });
  const digests = new Set<string>();
  keys.forEach((key, i) => {
    if (key.sha256 !== '' && digests.has(key.sha256))
      problems.push({ at: `[${i}].sha256`, message: 'the same key is listed twice (same sha256)' });
    digests.add(key.sha256);
  });
  if (problems.length > 0) throw new Invalid(problems);
  return keys;
}

function readKey(item: unknown, at: string, problems: Problem[]): ApiKeyConfig {
  if (!isMapping(item)) {
    problems.push({ at, message: 'must be a mapping { name, sha256, scopes }', value: item });
    return { name: '', sha256: '', scopes: [] };
  }
  for (const key of Object.keys(item)) {
    if (!KEY_FIELDS.includes(key))
      problems.push({
        at: `${at}.${key}`,
        message: `unknown setting; an API key has ${KEY_FIELDS.join(', ')}`,
      });
  }
  const field = <T>(name: string, read: (raw: unknown) => T, fallback: T): T => {
    if (item[name] === undefined || item[name] === null) {
      problems.push({ at: `${at}.${name}`, message: 'is required' });
      return fallback;
    }
    try {
      return read(item[name]);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      problems.push(...error.problems.map((p) => ({ ...p, at: `${at}.${name}${p.at}` })));
      return fallback;
    }
  };
  const config: ApiKeyConfig = {
    name: field('name', matching(NAME, NAME_RULE), ''),
    // Only the digest is configured, so neither the file nor a message can leak the key itself.
    sha256: field('sha256', sha256Hex, ''),
    scopes: field('scopes', scopes, []),
  };
  if (item['rateLimit'] === undefined || item['rateLimit'] === null) return config;
  return { ...config, rateLimit: field('rateLimit', rateLimit, { perSecond: 1, burst: 1 }) };
}

/** The digest, lowercase. A bad value is not quoted: it may be the key itself, pasted by mistake. */
function sha256Hex(raw: unknown): string {
  if (typeof raw !== 'string' || !SHA256_HEX.test(raw)) {
    const message = 'must be 64 hex digits, the SHA-256 of the key (printf %s "$KEY" | sha256sum)';
    throw new Invalid([{ at: '', message }]);
  }
  return raw.toLowerCase();
}

function scopes(raw: unknown): ApiScope[] {
  if (!Array.isArray(raw) || raw.length === 0)
    fail(`must be a non-empty list of ${API_SCOPES.join(', ')}`, raw);
  const problems: Problem[] = [];
  raw.forEach((scope: unknown, i) => {
    if (!API_SCOPES.includes(scope as ApiScope))
      problems.push({
        at: `[${i}]`,
        message: `unknown scope; must be one of ${API_SCOPES.join(', ')}`,
        value: scope,
      });
  });
  if (problems.length > 0) throw new Invalid(problems);
  return [...new Set(raw as ApiScope[])];
}

/** `{ perSecond, burst }`; burst defaults to perSecond rounded up (one second's worth). */
function rateLimit(raw: unknown): { perSecond: number; burst: number } {
  if (!isMapping(raw)) fail('must be a mapping { perSecond, burst }', raw);
  const problems: Problem[] = [];
  for (const key of Object.keys(raw)) {
    if (key !== 'perSecond' && key !== 'burst')
      problems.push({ at: `.${key}`, message: 'unknown setting; a rate limit has perSecond, burst' });
  }
  const read = <T>(name: string, reader: (raw: unknown) => T, fallback: T): T => {
    try {
      return reader(raw[name]);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      problems.push(...error.problems.map((p) => ({ ...p, at: `.${name}${p.at}` })));
      return fallback;
    }
  };
  const rate = read('perSecond', perSecond, 1);
  const size = raw['burst'] === undefined ? Math.max(1, Math.ceil(rate)) : read('burst', burst, 1);
  if (problems.length > 0) throw new Invalid(problems);
  return { perSecond: rate, burst: size };
}
