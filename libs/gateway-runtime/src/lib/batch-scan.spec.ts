import { FuzzRandom } from '@ringcache/testing';

import { batchEntries, strictBase64 } from './batch-bodies';
import { scanBatchEntries, type RawEntry } from './batch-scan';

/** What JSON.parse makes of `body`'s entries, or undefined when it is not JSON. */
function parsed(body: Buffer): unknown {
  try {
    return (JSON.parse(body.toString('utf8')) as { entries?: unknown }).entries;
  } catch {
    return undefined;
  }
}

/**
 * The scanner's promise: when it answers, JSON.parse reads the same entries — except a value the scanner
 * took byte for byte that is not base64, which the caller refuses and then reads with JSON.parse anyway.
 */
function agrees(body: Buffer, scanned: RawEntry[]): boolean {
  if (scanned.some((e) => e.value !== undefined && strictBase64(e.value) === undefined)) return true;
  const json = parsed(body);
  return Array.isArray(json) && JSON.stringify(json.map(normal)) === JSON.stringify(scanned.map(normal));
}

/** An entry with its members in name order: the scanner fills them in a fixed order, JSON.parse as sent. */
function normal(entry: object): [string, unknown][] {
  return Object.entries(entry).sort(([a], [b]) => a.localeCompare(b));
}

const value = (text: string) => Buffer.from(text).toString('base64');

describe('scanBatchEntries', () => {
  it('reads plain bodies as JSON.parse does, with or without white space, ttl as text or integer', () => {
    const entries = [
      { key: 'a', value: value('one'), ttl: '60s' },
      { value: value('two'), key: 'b' },
      { key: 'grüße/😀', ttl: 60_000, value: '' },
    ];
    for (const body of [JSON.stringify({ entries }), JSON.stringify({ entries }, null, 2)]) {
      const scanned = scanBatchEntries(Buffer.from(` \r\n\t${body}\n`));
      expect(scanned).toEqual(entries);
    }
  });

  it.each([
    ['an escape in a key', '{"entries":[{"key":"a\\"b","value":""}]}'],
    ['a control character in a key', '{"entries":[{"key":"a\u0001","value":""}]}'],
    ['a duplicate member', '{"entries":[{"key":"a","key":"b","value":""}]}'],
    ['another member', '{"entries":[{"key":"a","value":"","other":1}]}'],
    ['another top-level member', '{"entries":[{"key":"a","value":""}],"more":1}'],
    ['a ttl of another form', '{"entries":[{"key":"a","value":"","ttl":6e4}]}'],
    ['a ttl with a leading zero', '{"entries":[{"key":"a","value":"","ttl":060}]}'],
    ['a key that is not a string', '{"entries":[{"key":1,"value":""}]}'],
    ['no entries', '{"entries":[]}'],
    ['an empty entry', '{"entries":[{}]}'],
    ['a trailing comma', '{"entries":[{"key":"a","value":""},]}'],
    ['bytes after the body', '{"entries":[{"key":"a","value":""}]} x'],
    ['a cut body', '{"entries":[{"key":"a","value":"QQ=='],
  ])('leaves %s to JSON.parse', (_, body) => {
    expect(scanBatchEntries(Buffer.from(body))).toBeUndefined();
  });

  it('takes a value byte for byte, so one with an escape fails the base64 check and the body is read by JSON.parse', () => {
    const body = Buffer.from('{"entries":[{"key":"a","value":"QQ\\u003d\\u003d","ttl":"1m"}]}');
    const [scanned] = scanBatchEntries(body) ?? [];
    expect(strictBase64(scanned.value as string)).toBeUndefined();
    expect(batchEntries(body, 1024)).toEqual([{ key: 'a', value: Buffer.from('A'), ttlMs: 60_000 }]);
  });

  it('leaves more than 1,000 entries to JSON.parse', () => {
    const entries = Array.from({ length: 1001 }, (_, i) => ({ key: `k${i}`, value: '' }));
    expect(scanBatchEntries(Buffer.from(JSON.stringify({ entries })))).toBeUndefined();
    expect(scanBatchEntries(Buffer.from(JSON.stringify({ entries: entries.slice(1) })))).toHaveLength(1000);
  });

  it('agrees with JSON.parse whenever it answers, over random and broken bodies', () => {
    const random = FuzzRandom.fromEnv('batch-scan');
    const space = () => random.pick(['', '', ' ', '\n  ', '\t', '\r\n']);
    // Mostly plain bodies, so the answered path is well exercised, with every kind of break now and then.
    const text = () =>
      random.chance(0.8)
        ? random.string(random.int(0, 8))
        : random.oneOf([
            () => random.unicode(random.int(0, 6)),
            () => `${random.string(2)}\\"${random.string(2)}`,
            () => `${random.string(2)}\\u00e9`,
          ]);
    const scalar = (name: string) => {
      if (random.chance(0.15))
        return random.pick(['0', '012', '-1', '1.5', '1e3', 'null', 'true', '{}', '[]']);
      if (name === 'ttl' && random.chance(0.5)) return String(random.int(1, 100_000));
      return `"${name === 'value' && random.chance(0.8) ? value(random.string(random.int(0, 7))) : text()}"`;
    };
    const member = (name: string) => `${space()}"${name}"${space()}:${space()}${scalar(name)}`;
    const entry = () => {
      const names = [
        ...(random.chance(0.95) ? ['key'] : []),
        ...(random.chance(0.95) ? ['value'] : []),
        ...(random.chance(0.5) ? ['ttl'] : []),
        ...(random.chance(0.05) ? [random.pick(['key', 'other'])] : []),
      ].sort(() => random.next() - 0.5);
      return `${space()}{${names.map(member).join(',')}${space()}}`;
    };
    const body = () => {
      const separator = () => (random.chance(0.95) ? ',' : random.pick([' ,', ';', ',,']));
      const entries = Array.from({ length: random.int(random.chance(0.05) ? 0 : 1, 4) }, entry);
      const list = entries.map((e, i) => (i === 0 ? e : separator() + e)).join('');
      let whole = `${space()}{${space()}"entries"${space()}:${space()}[${list}]${space()}}${space()}`;
      if (random.chance(0.05)) whole = whole.slice(0, random.int(0, whole.length));
      const bytes = Buffer.from(whole);
      // Now and then a byte that is not UTF-8, or a raw control character.
      if (random.chance(0.05) && bytes.length > 0)
        bytes[random.int(0, bytes.length - 1)] = random.pick([0xff, 0x01]);
      return bytes;
    };
    let answered = 0;
    const count = FuzzRandom.count(3000);
    for (let i = 0; i < count; i++) {
      const bytes = body();
      const scanned = scanBatchEntries(bytes);
      if (scanned === undefined) continue;
      answered++;
      if (!agrees(bytes, scanned)) throw new Error(`disagrees with JSON.parse: ${bytes.toString('utf8')}`);
    }
    // The random bodies must reach the answered path often, or the check above proves little.
    expect(answered).toBeGreaterThan(count / 10);
  });
});
