import Redis from 'ioredis';

/** Where the local Redis of baseline (b) is expected. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A connection to the local Redis, or the reason there is none. */
export async function connectRedis(): Promise<Redis | string> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    return `Redis not reachable at ${REDIS_URL} (${(error as Error).message}): baseline (b) skipped — start redis-server to include it`;
  }
}

/** A numeric field of Redis's INFO text (`name:value` lines), or undefined when it has none. */
export function redisInfoField(info: string, name: string): number | undefined {
  const value = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1];
  return value === undefined ? undefined : Number(value);
}
