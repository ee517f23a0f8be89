import { GATEWAY_NEAR_BYTES } from '../scenarios/bench-cluster';
import { nearBytesOf } from './cluster.suite';

describe('nearBytesOf', () => {
  it('reads the bench near caches by name, a byte count as it is, and none when not given', () => {
    expect(nearBytesOf(undefined)).toBe(GATEWAY_NEAR_BYTES.off);
    expect(nearBytesOf('off')).toBe(0);
    expect(nearBytesOf('small')).toBe(2 ** 20);
    expect(nearBytesOf('on')).toBe(32 * 2 ** 20);
    expect(nearBytesOf('5000000')).toBe(5_000_000);
  });

  it('refuses anything else, an inherited property name included', () => {
    for (const value of ['lots', '', '-1', '1e6', '1.5', 'toString', '99999999999999999999'])
      expect(() => nearBytesOf(value)).toThrow(
        `--near must be off, small, on or a number of bytes, got ${JSON.stringify(value)}`,
      );
  });
});
