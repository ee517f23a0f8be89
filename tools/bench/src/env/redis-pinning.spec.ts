import { redisInfoField } from '../scenarios/redis-front.scenario';
import { pinRedisServer } from './redis-pinning';

describe('pinRedisServer', () => {
  it('moves nothing when the run is not pinned, and says so', async () => {
    const pinned = await pinRedisServer({ pinned: false, note: 'not pinned' });
    expect(pinned.note).toBe('redis-server not moved (the run is not pinned)');
    expect(() => pinned.restore()).not.toThrow();
  });
});

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
