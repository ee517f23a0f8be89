import { failureDetail, failureNote } from './failure';

describe('failure notes', () => {
  it("name fetch's cause, with its code, after the message's first line", () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const error = new TypeError('fetch failed\nsecond line', { cause: closed });
    expect(failureNote(error)).toBe('failed: fetch failed (cause: UND_ERR_SOCKET: other side closed)');
    expect(failureNote(new TypeError('fetch failed', { cause: reset }))).toBe(
      'failed: fetch failed (cause: read ECONNRESET)',
    );
    expect(failureDetail(error)).toBe('fetch failed\nsecond line (cause: UND_ERR_SOCKET: other side closed)');
  });

  it('say a thrown non-error as it is, and stop following a cycle of causes', () => {
    expect(failureNote('boom')).toBe('failed: boom');
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(failureNote(a)).toBe('failed: a (cause: b (cause: a (cause: b)))');
  });

  it('cut a long detail at 3,000 characters', () => {
    expect(failureDetail(new Error('x'.repeat(5_000)))).toHaveLength(3_000);
  });
});
