import { MAX_REQUEST_ID_LENGTH, newRequestId, requestIdOf, requestIdSource } from './request-id';

describe('requestIdOf', () => {
  it('keeps 1 to 128 visible ASCII characters as they are', () => {
    expect(requestIdOf('abc-123')).toBe('abc-123');
    expect(requestIdOf('x'.repeat(MAX_REQUEST_ID_LENGTH))).toBe('x'.repeat(MAX_REQUEST_ID_LENGTH));
    expect(requestIdOf('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('refuses what a header or gRPC metadata could not carry unchanged, or that is too long', () => {
    for (const bad of ['', 'has space', 'tab\t', 'line\nbreak', 'é', 'x'.repeat(MAX_REQUEST_ID_LENGTH + 1)])
      expect(requestIdOf(bad)).toBeUndefined();
  });

  it('refuses anything but a string: a header given twice arrives as an array', () => {
    for (const bad of [undefined, null, 42, ['a', 'b'], Buffer.from('a')])
      expect(requestIdOf(bad)).toBeUndefined();
  });
});

describe('requestIdSource', () => {
  it('makes <prefix>-<counter> ids, each one new', () => {
    const next = requestIdSource('p1');
    expect([next(), next(), next()]).toEqual(['p1-1', 'p1-2', 'p1-3']);
  });

  it('gives each source a random prefix of its own, and ids that are valid request ids', () => {
    const a = requestIdSource()();
    const b = requestIdSource()();
    expect(a).toMatch(/^[0-9a-f]{10}-1$/);
    expect(a).not.toBe(b);
    expect(requestIdOf(newRequestId())).toBeDefined();
  });

  it('refuses a prefix that would make invalid ids', () => {
    expect(() => requestIdSource('a b')).toThrow('request id prefix must be visible ASCII, got "a b"');
  });
});
