// Fixed-window rate limits kept in PostgreSQL: one upsert per check, no Redis on the request path.
import { sql } from 'drizzle-orm'
import type { DbOrTx } from '#db/client.ts'
import { rateLimitHits } from '#db/schema.ts'

export type RateLimit = { bucket: string; limit: number; windowSeconds: number }

export class RateLimitedError extends Error {
  constructor(
    readonly bucket: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`Rate limit "${bucket}" exceeded`)
  }
}

/**
 * Counts one hit against `key` in the current window; throws RateLimitedError past the limit.
 * Returns the number of hits so far in the window.
 */
export async function hitRateLimit(db: DbOrTx, rule: RateLimit, key: string) {
  const windowMs = rule.windowSeconds * 1000
  const windowStart = new Date(Math.floor(Date.now() / windowMs) * windowMs)
  const [row] = await db
    .insert(rateLimitHits)
    .values({ bucket: rule.bucket, key, windowStart, hits: 1 })
    .onConflictDoUpdate({
      target: [rateLimitHits.bucket, rateLimitHits.key, rateLimitHits.windowStart],
      set: { hits: sql`${rateLimitHits.hits} + 1` },
    })
    .returning({ hits: rateLimitHits.hits })
  const hits = row?.hits ?? 1
  if (hits > rule.limit) {
    const retryAfter = Math.ceil((windowStart.getTime() + windowMs - Date.now()) / 1000)
    throw new RateLimitedError(rule.bucket, Math.max(retryAfter, 1))
  }
  return hits
}

/** Deletes windows that ended long ago; run by maintenance. */
export async function pruneRateLimits(db: DbOrTx, olderThanSeconds = 24 * 3600) {
  await db
    .delete(rateLimitHits)
    .where(sql`${rateLimitHits.windowStart} < now() - make_interval(secs => ${olderThanSeconds})`)
}
