import { Redis } from 'ioredis'

/** Everything stored under a prefix, as one string, to check what Redis holds. */
export async function dumpRedisPrefix(url: string, prefix: string) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  const parts: string[] = []
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      for (const key of keys) {
        const type = await redis.type(key)
        parts.push(key)
        if (type === 'string') parts.push(String(await redis.get(key)))
        else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)))
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)))
        else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)))
        else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)))
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')))
      }
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
  return parts.join('\n')
}
