import { InvalidArgumentError } from '@ringcache/cache-core';

/** Shared checks of the client's options: each throws an InvalidArgumentError naming the option and value. */

/** An integer option in [min, max], or its default when absent; `option` names it in the message. */
export function integer(
  option: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw invalid(`${option} must be an integer ${range}`, value);
  }
  return value;
}

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/;

/** `host:port` with a port in 1..65535. */
export function isHostPort(value: unknown): value is string {
  const match = typeof value === 'string' ? HOST_PORT.exec(value) : null;
  return match !== null && isPort(match[1]);
}

/** A port number's digits in 1..65535. */
export function isPort(digits: string): boolean {
  const port = Number(digits);
  return port >= 1 && port <= 65_535;
}

/** An InvalidArgumentError; with `value`, the message ends with what was given. */
export function invalid(message: string, ...value: unknown[]): InvalidArgumentError {
  return new InvalidArgumentError(value.length === 0 ? message : `${message}, got ${show(value[0])}`);
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
