import { fmix32, murmur3, murmur3Bytes } from './murmur3';

describe('murmur3', () => {
  // Published values of MurmurHash3_x86_32 over UTF-8 bytes; a change here moves every key in a cluster.
  it.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['hello', 0, 0x248bfa47],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['abc', 0, 0xb3dd93fa],
    ['abcd', 0, 0x43ed676a],
  ])('hashes %j with seed %d to the reference value', (text, seed, expected) => {
    expect(murmur3(text, seed)).toBe(expected);
  });

  it('hashes non-ASCII text as its UTF-8 bytes', () => {
    for (const text of ['héllo wörld', '日本語キー', '😀 emoji', 'mixed ascii then ü']) {
      const bytes = new TextEncoder().encode(text);
      expect(murmur3(text, 7)).toBe(murmur3Bytes(bytes, 7));
    }
  });

  it('hashes a prefix of a byte array when given a length', () => {
    const bytes = new TextEncoder().encode('hello world');
    expect(murmur3Bytes(bytes, 0, 5)).toBe(murmur3('hello'));
  });

  it('returns unsigned 32-bit integers', () => {
    for (let i = 0; i < 1000; i++) {
      const h = murmur3(`key-${i}`);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });

  it('finalises with a bijection that differs from the identity', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).not.toBe(1);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(fmix32(i));
    expect(seen.size).toBe(10_000);
  });
});
