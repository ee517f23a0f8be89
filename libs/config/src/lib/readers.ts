import type { StaticNode } from './ringcache-config';
import { DURATION_SYNTAX, SIZE_SYNTAX, bytesOrUndefined, durationOrUndefined } from './units';

/**
 * One thing wrong with a raw value. `at` is a sub-path below the setting (`[1].grpc` in a list), empty
 * for the value itself; `value`, when present, is the offending raw value to quote in the message.
 */
export interface Problem {
  at: string;
  message: string;
  value?: unknown;
}

/** Thrown by a {@link Reader}: the raw value cannot be used. */
export class Invalid extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/**
 * Turns a raw value — whatever YAML or JSON produced, or an environment variable's text — into a typed
 * value, or throws {@link Invalid}. Numbers and booleans are also accepted as their text, since that is
 * all an environment variable can hold.
 */
export type Reader<T> = (raw: unknown) => T;

/** Node names and group names: letters, digits, `_`, `.`, `-`; they appear in etcd keys and URLs. */
export const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** {@link NAME}, for people. */
export const NAME_RULE = '1 to 64 of A-Z a-z 0-9 _ . -';

/** Longest timer Node.js honours: a longer setTimeout fires after 1 ms instead (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Any string. Numbers are refused: YAML turns `password: 0123` into 123, losing what was meant. */
export const text: Reader<string> = (raw) => {
  if (typeof raw !== 'string') fail('must be a string (quote it in YAML)', raw);
  return raw;
};

/** A string matching `pattern`, described for people as `description`. */
export function matching(pattern: RegExp, description: string): Reader<string> {
  return (raw) => {
    const value = text(raw);
    if (!pattern.test(value)) fail(`must be ${description}`, raw);
    return value;
  };
}

/** The empty string, or what `read` accepts: for settings whose empty value means "derive it". */
export function orEmpty(read: Reader<string>): Reader<string> {
  return (raw) => (raw === '' ? '' : read(raw));
}

/** A host name or IP address to listen on or dial (no port, no brackets). */
export const host = matching(/^[A-Za-z0-9_.:%-]{1,253}$/, 'a host name or IP address');

/** An integer in [min, max]. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): Reader<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
  return (raw) => {
    const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      fail(`must be an integer ${range}`, raw);
    }
    return value;
  };
}

/** A number (fractions allowed) in [min, max]. */
export function fraction(min: number, max: number): Reader<number> {
  return (raw) => {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      fail(`must be a number in [${min}, ${max}]`, raw);
    }
    return value;
  };
}

/** One of a few strings. */
export function oneOf<T extends string>(...choices: T[]): Reader<T> {
  return (raw) => {
    if (!choices.includes(raw as T)) fail(`must be one of ${choices.join(', ')}`, raw);
    return raw as T;
  };
}

/** true / false, or their text "true" / "false" / "1" / "0". */
export const bool: Reader<boolean> = (raw) => {
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  return fail('must be true or false (or 1 / 0)', raw);
};

/** A duration in ms (see units.ts), in [min, max]. */
export function duration(min: number, max: number = Number.MAX_SAFE_INTEGER): Reader<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min} ms` : `from ${min} to ${max} ms`;
  return (raw) => {
    const ms = durationOrUndefined(raw);
    if (ms === undefined) fail(`must be ${DURATION_SYNTAX}`, raw);
    if (ms < min || ms > max) fail(`must be a duration of ${range}`, raw);
    return ms;
  };
}

/** A size in bytes (see units.ts), at least `min`. */
export function bytes(min: number): Reader<number> {
  return (raw) => {
    const size = bytesOrUndefined(raw);
    if (size === undefined) fail(`must be ${SIZE_SYNTAX}`, raw);
    if (size < min) fail(`must be a size of at least ${min} bytes`, raw);
    return size;
  };
}

/** A list whose items `read` accepts; every bad item is reported, at its index. */
export function list<T>(read: Reader<T>): Reader<T[]> {
  return (raw) => {
    if (!Array.isArray(raw)) fail('must be a list', raw);
    return collect((problems) => raw.map((item, i) => catching(problems, `[${i}]`, () => read(item)))) as T[];
  };
}

/** `mysql://` or `mariadb://` with a host, or empty (meaning: use SQLite). */
export const mysqlUrl: Reader<string> = (raw) => {
  const value = text(raw);
  if (value === '') return value;
  const url = parseUrl(value);
  if (!url || !['mysql:', 'mariadb:'].includes(url.protocol) || !url.hostname) {
    fail('must be a URL mysql://user:password@host:port/database (or mariadb://), or empty for SQLite', raw);
  }
  return value;
};

/** An etcd member's client URL: `http(s)://host:port`, nothing more (a trailing `/` is dropped). */
export const etcdEndpoint: Reader<string> = (raw) => {
  const match = /^https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})\/?$/.exec(text(raw));
  if (!match || !isPort(match[1])) fail('must be http://host:port or https://host:port', raw);
  return (raw as string).replace(/\/$/, '');
};

/** `host:port` with a port a peer can dial (1..65535); IPv6 hosts in brackets. */
export const hostPort: Reader<string> = (raw) => {
  const match = /^(?:\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(text(raw));
  if (!match || !isPort(match[1])) fail('must be host:port', raw);
  return raw as string;
};

const NODE_KEYS = ['name', 'grpc', 'http'] as const;

/** The static node list: `{ name, grpc, http }` each, names unique; every problem is reported. */
export const staticNodes: Reader<StaticNode[]> = (raw) => {
  if (!Array.isArray(raw)) fail('must be a list of { name, grpc, http }', raw);
  const seen = new Set<string>();
  return collect((problems) =>
    raw.map((item: unknown, i): StaticNode => {
      if (!isMapping(item)) {
        problems.push({ at: `[${i}]`, message: 'must be a mapping { name, grpc, http }', value: item });
        return { name: '', grpc: '', http: '' };
      }
      for (const key of Object.keys(item)) {
        if (!(NODE_KEYS as readonly string[]).includes(key)) {
          problems.push({ at: `[${i}].${key}`, message: 'unknown setting; a node has name, grpc, http' });
        }
      }
      const field = (key: (typeof NODE_KEYS)[number], read: Reader<string>): string => {
        if (item[key] === undefined || item[key] === null) {
          problems.push({ at: `[${i}].${key}`, message: 'is required' });
          return '';
        }
        return catching(problems, `[${i}].${key}`, () => read(item[key])) ?? '';
      };
      const node = {
        name: field('name', matching(NAME, NAME_RULE)),
        grpc: field('grpc', hostPort),
        http: field('http', hostPort),
      };
      if (node.name && seen.has(node.name)) {
        problems.push({ at: `[${i}].name`, message: 'duplicate node name', value: node.name });
      }
      seen.add(node.name);
      return node;
    }),
  );
};

/** A variable's JSON text, parsed; bad JSON is reported like any bad value. */
export function fromJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    return fail(`must be valid JSON (${(error as Error).message})`, value);
  }
}

/** A plain object, as YAML and JSON produce for a mapping. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws {@link Invalid} for the value itself. */
export function fail(message: string, value: unknown): never {
  throw new Invalid([{ at: '', message, value }]);
}

/** Runs `build`, which records problems as it goes; throws them all together if there are any. */
function collect<T>(build: (problems: Problem[]) => T): T {
  const problems: Problem[] = [];
  const result = build(problems);
  if (problems.length > 0) throw new Invalid(problems);
  return result;
}

/** `read()`, with its problems moved under `at` instead of thrown, so that reading goes on. */
function catching<T>(problems: Problem[], at: string, read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    problems.push(...error.problems.map((p) => ({ ...p, at: at + p.at })));
    return undefined;
  }
}

function isPort(digits: string): boolean {
  return Number(digits) >= 1 && Number(digits) <= 65535;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
