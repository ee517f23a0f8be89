import { posix } from 'node:path';

// .dockerignore: Go filepath.Match patterns with **, anchored at the context root; later lines win.

/** A path of the build context as Docker compares it: no leading `./`, no trailing `/`. */
export const clean = (path: string): string => posix.normalize(path.replace(/^\.\//, '')).replace(/\/$/, '');

/** The lines of a .dockerignore that are patterns. */
export function patternLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function patternRegExp(pattern: string): RegExp {
  const body = clean(pattern.replace(/^\//, ''))
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/** Whether `path` (or a folder above it) is left out of the build context. */
export function ignored(patterns: string[], path: string): boolean {
  const parts = clean(path).split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let result = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const re = patternRegExp(negated ? line.slice(1) : line);
    if (prefixes.some((prefix) => re.test(prefix))) result = !negated;
  }
  return result;
}
