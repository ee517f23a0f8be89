/**
 * Durations and sizes as people write them ("30s", "64MiB") and as code uses them (ms, bytes).
 * Used for configuration and for request parameters such as `?ttl=30s`.
 */

/** How a duration may be written, for error messages. */
export const DURATION_SYNTAX =
  'a duration: an integer of milliseconds or numbers with units ms, s, m, h, d, e.g. "500ms", "30s", "1h30m"';

/** How a size may be written, for error messages. */
export const SIZE_SYNTAX =
  'a size: an integer of bytes or a number with a unit B, KB, MB, GB, KiB, MiB, GiB, e.g. "512KiB", "64MB"';

const MS_PER: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** KB/MB/GB are decimal and KiB/MiB/GiB binary, as in IEC 80000-13 and Kubernetes quantities. */
const BYTES_PER: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

const INTEGER = /^\d+$/;
const DURATION_PART = /(\d+)(?:\.(\d+))?\s*(ms|s|m|h|d)/iy;
const SIZE = /^(\d+)(?:\.(\d+))?\s*([kmgt]i?b|b)$/i;

/**
 * Milliseconds in a duration: a non-negative integer (already ms), or text such as "2500ms", "30s",
 * "1.5h" or "1h30m" (units ms, s, m, h, d, case-insensitive). Throws a RangeError naming the input.
 */
export function parseDuration(value: string | number): number {
  const ms = durationOrUndefined(value);
  if (ms === undefined) throw new RangeError(`invalid duration ${show(value)}: expected ${DURATION_SYNTAX}`);
  return ms;
}

/**
 * Bytes in a size: a non-negative integer (already bytes), or text such as "512KiB", "1.5MiB", "64MB"
 * (case-insensitive units). Throws a RangeError naming the input.
 */
export function parseBytes(value: string | number): number {
  const bytes = bytesOrUndefined(value);
  if (bytes === undefined) throw new RangeError(`invalid size ${show(value)}: expected ${SIZE_SYNTAX}`);
  return bytes;
}

/** Like {@link parseDuration}, but `undefined` for anything invalid (including non-strings). */
export function durationOrUndefined(value: unknown): number | undefined {
  if (typeof value === 'number') return wholeOrUndefined(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (INTEGER.test(text)) return wholeOrUndefined(Number(text));
  let total = 0;
  DURATION_PART.lastIndex = 0;
  // Sticky matching consumes "1h30m" part by part; anything left over makes the whole text invalid.
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text);
    if (!match) return undefined;
    total += scaled(match[1], match[2], MS_PER[match[3].toLowerCase()]);
  }
  return text === '' ? undefined : wholeOrUndefined(total);
}

/** Like {@link parseBytes}, but `undefined` for anything invalid (including non-strings). */
export function bytesOrUndefined(value: unknown): number | undefined {
  if (typeof value === 'number') return wholeOrUndefined(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (INTEGER.test(text)) return wholeOrUndefined(Number(text));
  const match = SIZE.exec(text);
  return match ? wholeOrUndefined(scaled(match[1], match[2], BYTES_PER[match[3].toLowerCase()])) : undefined;
}

/** A duration in the largest unit that divides it, e.g. "5m", "2500ms", "0" — for summaries. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % MS_PER[unit] === 0) return `${ms / MS_PER[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** A size in the largest binary unit that divides it, e.g. "64MiB", "1000B" — for summaries. */
export function formatBytes(bytes: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB'] as const) {
    const per = BYTES_PER[unit.toLowerCase()];
    if (bytes >= per && bytes % per === 0) return `${bytes / per}${unit}`;
  }
  return `${bytes}B`;
}

/**
 * whole × unit + fraction × unit, computed on integers so that "1.1s" is exactly 1100 rather than
 * 1100.0000000000002; a fraction that does not come out whole (e.g. "0.5ms") yields a non-integer.
 */
function scaled(whole: string, fraction: string | undefined, unit: number): number {
  const value = Number(whole) * unit;
  return fraction ? value + (Number(fraction) * unit) / 10 ** fraction.length : value;
}

function wholeOrUndefined(value: number): number | undefined {
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
