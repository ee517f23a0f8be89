import { redisInfoField } from './redis-connection';

describe('redisInfoField', () => {
  const info = '# Server\r\nredis_version:7.0.15\r\nprocess_id:2299\r\nused_cpu_sys:1.25\r\n';

  it('reads a numeric field of INFO', () => {
    expect(redisInfoField(info, 'process_id')).toBe(2299);
    expect(redisInfoField(info, 'used_cpu_sys')).toBe(1.25);
  });

  it('gives undefined for a field INFO does not have', () => {
    expect(redisInfoField(info, 'used_cpu_user')).toBeUndefined();
  });
});
