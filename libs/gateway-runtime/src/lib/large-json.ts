/**
 * Bodies up to this many bytes are parsed as one string. V8 places a string over ~128 KiB in its large
 * object space, where allocating it costs about 20× a smaller one (a batchSet of 100 × 1 KiB values, ~140 KB
 * of JSON, spent ~0.5 ms making the string, more than parsing it); larger bodies are cut into pieces below.
 */
export const WHOLE_PARSE_BYTES = 64 * 1024;

/**
 * Containers this deep or deeper are parsed whole, however long. A batch body's pieces are at depth 2 (the
 * entries of its one list); cutting deeper would buy nothing, and each level cut costs a walk over its
 * bytes — a body nested thousands deep would be walked once per level, in quadratic time and with a call
 * per level, where JSON.parse reads it in one pass.
 */
export const PIECE_DEPTH = 2;

/** The bytes of JSON's structure. */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;

/**
 * `JSON.parse(body.toString('utf8'))`, with the same result and the same refusals (a SyntaxError), without
 * making one string of a large body: an object or array longer than `WHOLE_PARSE_BYTES` is walked here,
 * its members cut at their boundaries and each parsed by `JSON.parse` on its own (small) string. Every cut
 * falls on an ASCII delimiter, so no UTF-8 sequence is split.
 */
export function parseJsonBytes(body: Buffer): unknown {
  if (body.length <= WHOLE_PARSE_BYTES) return JSON.parse(body.toString('utf8'));
  const parser = new PieceParser(body);
  // The body's one value: from its first byte to its last, past the white space around it (the container
  // must close exactly there).
  let end = body.length;
  while (end > 0 && isSpace(body[end - 1])) end--;
  return parser.value(parser.skipSpace(0), end, 0);
}

class PieceParser {
  constructor(private readonly bytes: Buffer) {}

  /**
   * The value spanning `[start, end)`, at `depth` containers from the top: parsed whole when short or deep,
   * else member by member.
   */
  value(start: number, end: number, depth: number): unknown {
    if (end - start > WHOLE_PARSE_BYTES && depth < PIECE_DEPTH) {
      if (this.bytes[start] === OPEN_OBJECT) return this.object(start, end, depth);
      if (this.bytes[start] === OPEN_ARRAY) return this.array(start, end, depth);
    }
    return JSON.parse(this.bytes.toString('utf8', start, end));
  }

  skipSpace(at: number): number {
    const bytes = this.bytes;
    while (at < bytes.length && isSpace(bytes[at])) at++;
    return at;
  }

  /** Where the value starting at `at` ends (exclusive); its content is checked when it is parsed. */
  private valueEnd(at: number): number {
    const bytes = this.bytes;
    if (at >= bytes.length) throw this.fail(at);
    const first = bytes[at];
    if (first === QUOTE) return this.stringEnd(at);
    if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
      // A number, true, false or null: up to the next delimiter.
      let end = at;
      while (end < bytes.length && !isDelimiter(bytes[end])) end++;
      if (end === at) throw this.fail(at);
      return end;
    }
    let depth = 0;
    for (let i = at; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === QUOTE) i = this.stringEnd(i) - 1;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw this.fail(bytes.length);
  }

  /** A SyntaxError naming the position, as JSON.parse would throw one. */
  private fail(at: number): SyntaxError {
    return new SyntaxError(`Unexpected token in JSON at position ${at}`);
  }

  /** Where the string starting at `at` ends (exclusive): past the first quote not escaped. */
  private stringEnd(at: number): number {
    const bytes = this.bytes;
    let quote = at;
    for (;;) {
      quote = bytes.indexOf(QUOTE, quote + 1);
      if (quote < 0) throw this.fail(bytes.length);
      let backslashes = 0;
      while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return quote + 1;
    }
  }

  private object(start: number, end: number, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.members(start, end, CLOSE_OBJECT, (at) => {
      if (this.bytes[at] !== QUOTE) throw this.fail(at);
      const keyEnd = this.stringEnd(at);
      const key = JSON.parse(this.bytes.toString('utf8', at, keyEnd)) as string;
      const colon = this.skipSpace(keyEnd);
      if (this.bytes[colon] !== COLON) throw this.fail(colon);
      const valueStart = this.skipSpace(colon + 1);
      const valueEnd = this.valueEnd(valueStart);
      // As JSON.parse does: an own property even for `__proto__`, the last of equal keys kept.
      Object.defineProperty(result, key, {
        value: this.value(valueStart, valueEnd, depth + 1),
        writable: true,
        enumerable: true,
        configurable: true,
      });
      return valueEnd;
    });
    return result;
  }

  private array(start: number, end: number, depth: number): unknown[] {
    const result: unknown[] = [];
    this.members(start, end, CLOSE_ARRAY, (at) => {
      const valueEnd = this.valueEnd(at);
      result.push(this.value(at, valueEnd, depth + 1));
      return valueEnd;
    });
    return result;
  }

  /** Calls `member` at the start of each member of the container `[start, end)`; it returns where it ended. */
  private members(start: number, end: number, close: number, member: (at: number) => number): void {
    let at = this.skipSpace(start + 1);
    if (this.bytes[at] === close) {
      if (at !== end - 1) throw this.fail(at);
      return;
    }
    for (;;) {
      at = this.skipSpace(member(at));
      if (this.bytes[at] === COMMA) at = this.skipSpace(at + 1);
      else if (this.bytes[at] === close && at === end - 1) return;
      else throw this.fail(at);
    }
  }
}

/** JSON's white space. */
export function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function isDelimiter(b: number): boolean {
  return b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY || b === COLON || isSpace(b);
}
