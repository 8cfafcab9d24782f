import { Redis, type RedisOptions } from 'ioredis'

/**
 * Workers block on Redis and must wait out an outage (maxRetriesPerRequest: null); producers
 * fail fast (enableOfflineQueue: false) so a Redis outage never makes a caller hang.
 */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}) {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false }
  const redis = new Redis(url, {
    ...options,
    // Reconnect quickly at first, then at most every 5 s, for ever.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    ...extra,
  })
  // ioredis emits "error" on every failed reconnect; the owner decides what to log.
  redis.on('error', () => {})
  return redis
}

export class RedisPolicyError extends Error {}

/**
 * BullMQ loses jobs if Redis may evict keys. Refuse to run unless maxmemory-policy is noeviction;
 * where a managed Redis hides CONFIG, say so loudly and go on.
 */
export async function assertNoEviction(
  redis: Redis,
  log: (message: string) => void = console.warn,
) {
  let policy: string | undefined
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[]
    policy = reply[1]
  } catch (error) {
    log(
      `WARNING: could not read Redis maxmemory-policy (${(error as Error).message}). ` +
        'Make sure it is "noeviction", or queued jobs may be silently lost.',
    )
    return
  }
  if (policy !== 'noeviction') {
    throw new RedisPolicyError(
      `Redis maxmemory-policy is "${policy}"; Vigil's workers need "noeviction" so queued jobs are never evicted. ` +
        'Run `redis-cli CONFIG SET maxmemory-policy noeviction` (and set it in redis.conf).',
    )
  }
}
