/**
 * The duration and size syntax of `config/ringcache.yaml`, checked when the generator writes a group's
 * settings so a typo fails now rather than when a node starts. It mirrors `parseDuration` and `parseBytes`
 * of `libs/config/src/lib/units.ts` (the tools project may not import workspace libraries); the e2e suite
 * loads what the generator writes through the real config loader.
 */

/** How a duration may be written, for error messages (the config lib's wording). */
export const DURATION_SYNTAX =
  'a duration: an integer of milliseconds or numbers with units ms, s, m, h, d, e.g. "500ms", "30s", "1h30m"';

/** How a size may be written, for error messages (the config lib's wording). */
export const SIZE_SYNTAX =
  'a size: an integer of bytes or a number with a unit B, KB, MB, GB, KiB, MiB, GiB, e.g. "512KiB", "64MB"';

const MS_PER: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
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
const DURATION = /^(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d))+$/i;
const DURATION_PART = /(\d+)(?:\.(\d+))?\s*(ms|s|m|h|d)/gi;
const SIZE = /^(\d+)(?:\.(\d+))?\s*([kmgt]i?b|b)$/i;

/** Milliseconds in `text` ("30s", "1h30m", "2500"), or undefined when the config would refuse it. */
export function durationMs(text: string): number | undefined {
  const value = text.trim();
  if (INTEGER.test(value)) return whole(Number(value));
  if (!DURATION.test(value)) return undefined;
  let total = 0;
  for (const [, integer, fraction, unit] of value.matchAll(DURATION_PART)) {
    total += scaled(integer, fraction, MS_PER[unit.toLowerCase()]);
  }
  return whole(total);
}

/** Bytes in `text` ("64MiB", "1.5GB", "1048576"), or undefined when the config would refuse it. */
export function sizeBytes(text: string): number | undefined {
  const value = text.trim();
  if (INTEGER.test(value)) return whole(Number(value));
  const match = SIZE.exec(value);
  return match ? whole(scaled(match[1], match[2], BYTES_PER[match[3].toLowerCase()])) : undefined;
}

/** integer × unit + fraction × unit, on integers so "1.1s" is exactly 1100 ms. */
function scaled(integer: string, fraction: string | undefined, unit: number): number {
  const value = Number(integer) * unit;
  return fraction ? value + (Number(fraction) * unit) / 10 ** fraction.length : value;
}

function whole(value: number): number | undefined {
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
