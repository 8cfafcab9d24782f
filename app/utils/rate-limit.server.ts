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
  const [hits] = await hitRateLimits(db, [{ rule, key }])
  return hits!
}

/**
 * Counts one hit against each rule and key in one statement (a request checked against several
 * limits pays one round trip); throws RateLimitedError for the first, in order, past its limit.
 * Every hit is counted even when an earlier one refuses. Returns the hits so far for each.
 */
export async function hitRateLimits(db: DbOrTx, checks: { rule: RateLimit; key: string }[]) {
  const now = Date.now()
  const windows = checks.map(({ rule, key }) => {
    const windowMs = rule.windowSeconds * 1000
    return { rule, key, windowMs, windowStart: new Date(Math.floor(now / windowMs) * windowMs) }
  })
  const rows = await db
    .insert(rateLimitHits)
    .values(
      windows.map(({ rule, key, windowStart }) => ({
        bucket: rule.bucket,
        key,
        windowStart,
        hits: 1,
      })),
    )
    .onConflictDoUpdate({
      target: [rateLimitHits.bucket, rateLimitHits.key, rateLimitHits.windowStart],
      set: { hits: sql`${rateLimitHits.hits} + 1` },
    })
    .returning({ bucket: rateLimitHits.bucket, key: rateLimitHits.key, hits: rateLimitHits.hits })
  const counted = windows.map(
    ({ rule, key }) => rows.find((row) => row.bucket === rule.bucket && row.key === key)?.hits ?? 1,
  )
  windows.forEach(({ rule, windowMs, windowStart }, i) => {
    if (counted[i]! > rule.limit) {
      const retryAfter = Math.ceil((windowStart.getTime() + windowMs - now) / 1000)
      throw new RateLimitedError(rule.bucket, Math.max(retryAfter, 1))
    }
  })
  return counted
}

/** Deletes windows that ended long ago; run by maintenance. */
export async function pruneRateLimits(db: DbOrTx, olderThanSeconds = 24 * 3600) {
  await db
    .delete(rateLimitHits)
    .where(sql`${rateLimitHits.windowStart} < now() - make_interval(secs => ${olderThanSeconds})`)
}
