import { keyCount } from './sampler';

describe('keyCount', () => {
  it('reads the count of a range, which a limit does not cut', () => {
    const answer =
      '{"header":{"cluster_id":1,"revision":812},"kvs":[{"key":"cmluZ2NhY2hl"}],"more":true,"count":3138}';
    expect(keyCount(answer)).toBe(3138);
  });

  it('takes an answer with no count and no keys as none', () => {
    expect(keyCount('{"header":{"cluster_id":1,"revision":2}}')).toBe(0);
  });

  it('takes anything else as no answer, never as zero keys', () => {
    expect(keyCount('{"header":{"revision":2},"kvs":[{"key":"aw=="}]}')).toBeUndefined();
    expect(keyCount('')).toBeUndefined();
    expect(keyCount('Error: context deadline exceeded')).toBeUndefined();
  });
});
