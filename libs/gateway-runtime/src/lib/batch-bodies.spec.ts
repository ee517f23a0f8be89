import { batchEntries, strictBase64 } from './batch-bodies';

/** The definition strictBase64 must match: RFC 4648 base64, standard alphabet, padded. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

describe('strictBase64', () => {
  it('takes exactly the texts of strict base64, for every text of up to 5 characters over a tricky alphabet', () => {
    // Letters of both alphabets, padding, white space, a character outside any alphabet, a non-ASCII one.
    const alphabet = ['A', 'Q', '+', '/', '=', '-', '_', ' ', '\n', '*', 'é'];
    let texts = [''];
    let checked = 0;
    for (let length = 0; length <= 5; length++) {
      for (const text of texts) {
        const bytes = strictBase64(text);
        expect({ text, ok: bytes !== undefined }).toEqual({ text, ok: BASE64.test(text) });
        if (bytes)
          expect(bytes.toString('base64').replace(/=+$/, '')).toBe(
            Buffer.from(text, 'base64').toString('base64').replace(/=+$/, ''),
          );
        checked++;
      }
      texts = texts.flatMap((text) => alphabet.map((c) => text + c));
    }
    expect(checked).toBe(1 + 11 + 11 ** 2 + 11 ** 3 + 11 ** 4 + 11 ** 5);
  });

  it('gives the decoded bytes of a long value', () => {
    const value = Buffer.from(Array.from({ length: 1025 }, (_, i) => i % 256));
    expect(strictBase64(value.toString('base64'))).toEqual(value);
    expect(strictBase64(`${value.toString('base64')}\n`)).toBeUndefined();
  });
});

describe('batchEntries', () => {
  it('reads a body of more than 64 KiB the way it reads a small one, and refuses a bad value in it by its index', () => {
    const value = Buffer.alloc(1024, 7).toString('base64');
    const entries = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value, ttl: '60s' }));
    const body = Buffer.from(JSON.stringify({ entries }));
    expect(body.length).toBeGreaterThan(64 * 1024);
    const read = batchEntries(body, 1024 * 1024);
    expect(read).toHaveLength(100);
    expect(read[99]).toEqual({ key: 'k99', value: Buffer.alloc(1024, 7), ttlMs: 60_000 });
    entries[57] = { ...entries[57], value: `${value.slice(4)}-_==` };
    expect(() => batchEntries(Buffer.from(JSON.stringify({ entries })), 1024 * 1024)).toThrow(
      'entries[57].value must be the value in base64',
    );
    expect(() => batchEntries(Buffer.from(`${JSON.stringify({ entries })},`), 1024 * 1024)).toThrow(
      'the body must be JSON',
    );
  });

  it("reads each entry's ttl, shared or its own, and names the first entry with a bad ttl or an unknown field", () => {
    const value = Buffer.from('v').toString('base64');
    const body = (entries: unknown[]) => Buffer.from(JSON.stringify({ entries }));
    const ttls = ['60s', 60_000, undefined, '60s', '2m', 60_000, '1h'];
    const read = batchEntries(body(ttls.map((ttl, i) => ({ key: `k${i}`, value, ttl }))), 1024).map(
      (e) => e.ttlMs,
    );
    expect(read).toEqual([60_000, 60_000, 0, 60_000, 120_000, 60_000, 3_600_000]);
    const bad = [
      { key: 'a', value, ttl: '60s' },
      { key: 'b', value, ttl: '60s' },
      { key: 'c', value, ttl: '31d' },
    ];
    expect(() => batchEntries(body(bad), 1024)).toThrow(/^entries\[2\]: ttl must be between 1s and 30d/);
    expect(() => batchEntries(body([...bad.slice(0, 2), { ...bad[2], ttl: '60s', extra: 1 }]), 1024)).toThrow(
      'entries[2]: unknown field extra',
    );
  });
});
