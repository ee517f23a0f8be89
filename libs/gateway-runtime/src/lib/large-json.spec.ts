import { parseJsonBytes, WHOLE_PARSE_BYTES } from './large-json';

/** A value of about `bytes` of JSON: strings with escapes and multi-byte characters, numbers, literals. */
function entry(i: number, bytes: number): Record<string, unknown> {
  return {
    key: `k-${i} "quoted" \\ back\\slash é 雪 🙂 \u0001`,
    value: 'QUJD'.repeat(Math.ceil(bytes / 4)),
    ttl: i % 3 === 0 ? '60s' : i,
    on: i % 2 === 0,
    none: null,
    nested: { list: [1.5e3, -2, 'x', [], {}], deep: [[['\\"']]] },
  };
}

function body(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** Compact JSON of a value nested too deep for JSON.stringify or toEqual, written without recursion. */
function deepStringify(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  // Punctuation waiting on the stack, told apart from the values there.
  const raw = new WeakSet<object>();
  const push = (text: string) => {
    const token = { text };
    raw.add(token);
    stack.push(token);
  };
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'object' && x !== null && raw.has(x)) out.push((x as { text: string }).text);
    else if (Array.isArray(x)) {
      out.push('[');
      push(']');
      for (let i = x.length - 1; i >= 0; i--) {
        stack.push(x[i]);
        if (i > 0) push(',');
      }
    } else if (typeof x === 'object' && x !== null) {
      out.push('{');
      push('}');
      const keys = Object.keys(x);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((x as Record<string, unknown>)[keys[i]]);
        push(`${JSON.stringify(keys[i])}:`);
        if (i > 0) push(',');
      }
    } else out.push(JSON.stringify(x));
  }
  return out.join('');
}

describe('parseJsonBytes', () => {
  it('gives what JSON.parse gives, for bodies under and over the piece size, in any layout', () => {
    const docs = [
      { entries: Array.from({ length: 3 }, (_, i) => entry(i, 10)) },
      { entries: Array.from({ length: 100 }, (_, i) => entry(i, 1400)) },
      { first: 'a', entries: Array.from({ length: 40 }, (_, i) => entry(i, 5000)), last: [1, 2, 3] },
      Array.from({ length: 50 }, (_, i) => ({
        inner: Array.from({ length: 30 }, (_, j) => entry(j, 100 + i)),
      })),
      { big: 'x'.repeat(WHOLE_PARSE_BYTES * 2), n: 1 },
    ];
    for (const doc of docs) {
      for (const text of [
        JSON.stringify(doc),
        JSON.stringify(doc, null, 2),
        ` \n\t${JSON.stringify(doc, null, '\t')}\r\n `,
      ]) {
        expect(parseJsonBytes(body(text))).toEqual(JSON.parse(text));
      }
    }
    expect(JSON.stringify(docs[1]).length).toBeGreaterThan(WHOLE_PARSE_BYTES);
  });

  it('keeps `__proto__` as an own property and the last of equal keys, as JSON.parse does', () => {
    const padding = 'p'.repeat(WHOLE_PARSE_BYTES);
    const text = `{"__proto__": {"polluted": true}, "a": 1, "pad": "${padding}", "a": 2}`;
    const parsed = parseJsonBytes(body(text)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(text)));
    expect(parsed['__proto__']).toEqual({ polluted: true });
    expect(parsed['a']).toBe(2);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses, with a SyntaxError, every body JSON.parse refuses', () => {
    const pad = `"${'x'.repeat(WHOLE_PARSE_BYTES)}"`;
    const bad = [
      `{"a": ${pad},}`,
      `{"a": ${pad}, "b"}`,
      `{"a" ${pad}}`,
      `{"a": ${pad}} x`,
      `{"a": ${pad}}}`,
      `[${pad},]`,
      `[${pad} 1]`,
      `[${pad}, 1 2]`,
      `[${pad}, tru]`,
      `[${pad}, 1{}]`,
      `[${pad}, "open]`,
      `[${pad}, {"a": 1]`,
      `[${pad}, "\u0001raw control"]`,
      `{a: ${pad}}`,
      `\ufeff[${pad}]`,
      `[${pad}`,
      ' '.repeat(WHOLE_PARSE_BYTES + 1),
    ];
    for (const text of bad) {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => parseJsonBytes(body(text))).toThrow(SyntaxError);
    }
  });

  it('reads a body nested far deeper than its pieces, as JSON.parse does (no cut per level, no stack overflow)', () => {
    const depth = 50_000;
    for (const text of [
      `{"a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      `[${'['.repeat(depth)}${']'.repeat(depth)}]`,
      `{"entries":[${'[{"k":'.repeat(depth)}0${'}]'.repeat(depth)},1]}`,
    ]) {
      expect(text.length).toBeGreaterThan(WHOLE_PARSE_BYTES);
      expect(deepStringify(JSON.parse(text))).toBe(text);
      expect(deepStringify(parseJsonBytes(body(text)))).toBe(text);
    }
  });

  it('reads a string whose escaped quotes and backslashes sit at the edges', () => {
    const pad = 'y'.repeat(WHOLE_PARSE_BYTES);
    const text = JSON.stringify({ a: `${pad}\\`, b: `"${pad}"`, c: ['\\\\"', `${pad}\\\\`] });
    expect(parseJsonBytes(body(text))).toEqual(JSON.parse(text));
  });
});
