'use strict';

/** A plain-text table: a header row and aligned columns; numbers (and `%`, `/s` values) right-aligned. */
function table(headers, rows) {
  const cells = [headers, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((row) => /^[-\d.,]+( ?[%a-zA-Z/]+)?$/.test(String(row[i]))),
  );
  return cells
    .map((row) =>
      row
        .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Bytes for people: 512 B, 1.5 KiB, 12.0 MiB. */
function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `part` of `whole` as a percentage with one decimal, or `-` when there is no whole. */
function percent(part, whole) {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}

/** A rate with one decimal. */
function rate(n) {
  return n.toFixed(1);
}

/** An absolute expiry (ms since the epoch, 0 = never) for people. */
function expiry(expireAtMs) {
  if (!expireAtMs) return 'never';
  const inS = Math.max(0, Math.round((expireAtMs - Date.now()) / 1000));
  return `${new Date(expireAtMs).toISOString()} (in ${inS} s)`;
}

/**
 * A value for JSON output: `value` as UTF-8 text when the bytes are valid UTF-8, else `valueBase64`, so
 * binary values survive the round trip.
 */
function jsonValue(buffer) {
  const text = buffer.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buffer)
    ? { value: text }
    : { valueBase64: buffer.toString('base64') };
}

module.exports = { bytes, expiry, jsonValue, percent, rate, table };
