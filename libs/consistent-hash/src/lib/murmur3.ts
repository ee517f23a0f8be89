/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, public domain), over the UTF-8 bytes of a string.
 *
 * Chosen because it is fast in JavaScript (32-bit integer maths only), has good avalanche, is specified
 * byte for byte, and has implementations in every language — a Go or Java client computes the same
 * owner for a key as we do. Strings are hashed as UTF-8, never as UTF-16 code units.
 */

// Bound once: a global lookup of `Math` per call is slow inside sandboxes such as Jest's vm contexts.
const { imul } = Math;
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** Hash of the UTF-8 encoding of `text`, as an unsigned 32-bit integer. */
export function murmur3(text: string, seed = 0): number {
  const length = text.length;
  // ASCII is the common case for keys: its UTF-8 bytes are the char codes, so hash them directly.
  let ascii = true;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return murmur3Chars(text, seed);
  if (scratch.length < length * 3) scratch = new Uint8Array(length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return murmur3Bytes(scratch, seed, written);
}

/** Hash of `bytes[0..length)`, as an unsigned 32-bit integer. */
export function murmur3Bytes(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h = mixBlock(h, k);
  }
  const rest = length & 3;
  if (rest !== 0) {
    let k = bytes[blocks];
    if (rest > 1) k |= bytes[blocks + 1] << 8;
    if (rest > 2) k |= bytes[blocks + 2] << 16;
    h ^= mixTail(k);
  }
  return fmix32(h ^ length);
}

/** Same as murmur3Bytes for a string whose chars are all ASCII (each char code is its byte). */
function murmur3Chars(text: string, seed: number): number {
  const length = text.length;
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k =
      text.charCodeAt(i) |
      (text.charCodeAt(i + 1) << 8) |
      (text.charCodeAt(i + 2) << 16) |
      (text.charCodeAt(i + 3) << 24);
    h = mixBlock(h, k);
  }
  const rest = length & 3;
  if (rest !== 0) {
    let k = text.charCodeAt(blocks);
    if (rest > 1) k |= text.charCodeAt(blocks + 1) << 8;
    if (rest > 2) k |= text.charCodeAt(blocks + 2) << 16;
    h ^= mixTail(k);
  }
  return fmix32(h ^ length);
}

function mixBlock(h: number, k: number): number {
  h ^= mixTail(k);
  h = (h << 13) | (h >>> 19);
  return (imul(h, 5) + 0xe6546b64) | 0;
}

function mixTail(k: number): number {
  k = imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return imul(k, C2);
}

/** MurmurHash3's finaliser: a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
