import { InvalidArgumentError } from '@ringcache/cache-core';

import { PATH_PREFIX } from './wire';

/** The path of a key: `/_ringcache/<group>/<key>`, each part one percent-encoded segment. */
export function encodeKeyPath(group: string, key: string): string {
  return PATH_PREFIX + encodeSegment(group, 'group') + '/' + encodeSegment(key, 'key');
}

/** The path of a custom method on a group: `/_ringcache/<group>:<method>`. */
export function encodeMethodPath(group: string, method: string): string {
  // encodeURIComponent escapes ':' in the group, so the last ':' of the segment is always ours.
  return PATH_PREFIX + encodeSegment(group, 'group') + ':' + method;
}

/**
 * Group and key of a request target (the raw URL, query allowed). The first '/' after the group ends it;
 * everything after is the key, so a key sent with a literal '/' instead of %2F still arrives whole.
 */
export function decodeKeyPath(url: string): { group: string; key: string } {
  const rest = pathAfterPrefix(url);
  const slash = rest.indexOf('/');
  if (slash < 0) throw new InvalidArgumentError(`path must be ${PATH_PREFIX}<group>/<key>`);
  return {
    group: decodeSegment(rest.slice(0, slash), 'group'),
    key: decodeSegment(rest.slice(slash + 1), 'key'),
  };
}

/** Group and method name of a custom-method target `/_ringcache/<group>:<method>`. */
export function decodeMethodPath(url: string): { group: string; method: string } {
  const rest = pathAfterPrefix(url);
  const colon = rest.lastIndexOf(':');
  if (colon < 0 || rest.includes('/')) {
    throw new InvalidArgumentError(`path must be ${PATH_PREFIX}<group>:<method>`);
  }
  return { group: decodeSegment(rest.slice(0, colon), 'group'), method: rest.slice(colon + 1) };
}

function pathAfterPrefix(url: string): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (!path.startsWith(PATH_PREFIX)) throw new InvalidArgumentError(`path must start with ${PATH_PREFIX}`);
  return path.slice(PATH_PREFIX.length);
}

function encodeSegment(text: string, what: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // Only a lone UTF-16 surrogate gets here: such a string has no UTF-8 form to send.
    throw new InvalidArgumentError(`${what} is not well-formed Unicode`);
  }
}

function decodeSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Bad escapes (%ZZ, a truncated %E0%A4) and escapes that are not UTF-8 (%FF, %C3%28).
    throw new InvalidArgumentError(`${what} is not valid percent-encoded UTF-8: ${JSON.stringify(segment)}`);
  }
}
