// Fixed-window rate limits kept in PostgreSQL: one upsert per check, no Redis on the request path.
import { sql } from 'drizzle-orm'
import { preparedStatement } from '#db/prepared.ts'
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
  const [counted] = await countRateLimitHits(db, [{ rule, key }])
  if (counted!.refusal) throw counted!.refusal
  return counted!.hits
}

/** Adds hits to their windows, one array per column; returns each window's total. */
const upsertHitWindows = preparedStatement<{
  bucket: string
  key: string
  windowMs: number
  hits: number
}>(sql`
  insert into ${rateLimitHits} (bucket, key, window_start, hits)
  select bucket, key, window_start::timestamptz, hits::int
  from unnest(${sql.placeholder('buckets')}::text[], ${sql.placeholder('keys')}::text[],
    ${sql.placeholder('windowStarts')}::text[], ${sql.placeholder('hits')}::text[])
    as t(bucket, key, window_start, hits)
  on conflict (bucket, key, window_start) do update set hits = ${rateLimitHits}.hits + excluded.hits
  returning bucket, key, (extract(epoch from window_start) * 1000)::float8 as "windowMs", hits`)

/**
 * Counts one hit per check in one statement and says, for each, whether it is past its limit.
 * The same rule and key may appear more than once (many requests from one address, written
 * together): they count in the order given, so the first ones within the limit pass.
 */
export async function countRateLimitHits(
  db: DbOrTx,
  checks: { rule: RateLimit; key: string }[],
): Promise<{ hits: number; refusal?: RateLimitedError }[]> {
  const now = Date.now()
  const windows = new Map<
    string,
    { bucket: string; key: string; windowStart: Date; hits: number }
  >()
  const idOf = (bucket: string, key: string, windowStart: Date) =>
    `${bucket}\n${key}\n${windowStart.getTime()}`
  const counted = checks.map(({ rule, key }) => {
    const windowMs = rule.windowSeconds * 1000
    const windowStart = new Date(Math.floor(now / windowMs) * windowMs)
    const id = idOf(rule.bucket, key, windowStart)
    const window = windows.get(id) ?? { bucket: rule.bucket, key, windowStart, hits: 0 }
    window.hits++
    windows.set(id, window)
    return { rule, id, ordinal: window.hits, windowEnd: windowStart.getTime() + windowMs }
  })
  if (counted.length === 0) return []
  // In one order whoever writes them: two statements counting the same keys (two batches of
  // signatures from one office's address) then lock their rows alike and never deadlock.
  const sorted = [...windows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row)
  const rows = await upsertHitWindows(db, {
    buckets: sorted.map((row) => row.bucket),
    keys: sorted.map((row) => row.key),
    windowStarts: sorted.map((row) => row.windowStart.toISOString()),
    hits: sorted.map((row) => String(row.hits)),
  })
  const totals = new Map(
    rows.map((row) => [idOf(row.bucket, row.key, new Date(row.windowMs)), row.hits]),
  )
  return counted.map(({ rule, id, ordinal, windowEnd }) => {
    const added = windows.get(id)!.hits
    // This check's place among the hits counted: the total before this statement, plus its turn.
    const hits = (totals.get(id) ?? added) - added + ordinal
    if (hits <= rule.limit) return { hits }
    const retryAfter = Math.max(Math.ceil((windowEnd - now) / 1000), 1)
    return { hits, refusal: new RateLimitedError(rule.bucket, retryAfter) }
  })
}

/** Deletes windows that ended long ago; run by maintenance. */
export async function pruneRateLimits(db: DbOrTx, olderThanSeconds = 24 * 3600) {
  await db
    .delete(rateLimitHits)
    .where(sql`${rateLimitHits.windowStart} < now() - make_interval(secs => ${olderThanSeconds})`)
}
