// Bounces and complaints reported by the email provider: every address they name is suppressed,
// and never emailed again.
import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { preparedStatement } from '#db/prepared.ts'
import { suppressions } from '#db/schema.ts'
import { getDb } from '#app/utils/db.server.ts'
import { canonicalEmail } from '#app/utils/email-address.ts'

const EmailEvent = z.object({
  type: z.enum(['bounce', 'complaint']),
  email: z.email().max(254),
  // Soft bounces (a full mailbox) are not a reason to stop writing to someone.
  bounceType: z.enum(['hard', 'soft']).default('hard'),
  detail: z.string().max(1000).optional(),
})

/** One event, or a batch of them, as most providers send. */
export const EmailEventsPayload = z.union([
  EmailEvent.transform((event) => [event]),
  z.object({ events: z.array(EmailEvent).min(1).max(1000) }).transform((body) => body.events),
])

/** Constant-time check of the webhook's bearer token. */
export function webhookAuthorized(header: string | null, secret: string | undefined) {
  if (!secret || !header?.startsWith('Bearer ')) return false
  const given = crypto.createHash('sha256').update(header.slice(7)).digest()
  const expected = crypto.createHash('sha256').update(secret).digest()
  return crypto.timingSafeEqual(given, expected)
}

/**
 * One statement whatever the batch's size (up to 1,000 events): one array per column, so its text
 * never changes (see db/prepared.ts).
 */
const upsertSuppressions = preparedStatement(sql`
  insert into ${suppressions} (email_canonical, reason, detail)
  select * from unnest(${sql.placeholder('emails')}::text[],
    ${sql.placeholder('reasons')}::text[]::suppression_reason[], ${sql.placeholder('details')}::text[])
  on conflict (email_canonical) do update
    -- A complaint outranks a bounce, and brings its detail; either way the address stays
    -- suppressed.
    set reason = case when excluded.reason = 'complaint' then excluded.reason
        else ${suppressions.reason} end,
      detail = case when excluded.reason = 'complaint' and ${suppressions.reason} <> 'complaint'
        then excluded.detail else ${suppressions.detail} end`)

export async function recordEmailEvents(events: z.output<typeof EmailEventsPayload>) {
  // One row per address: a batch may name one twice (a bounce, then a complaint), and one
  // statement cannot update a row twice. The first event is kept, or the first complaint, as
  // the upsert does across batches.
  const byAddress = new Map<string, { reason: 'bounce' | 'complaint'; detail: string | null }>()
  for (const event of events) {
    if (event.type !== 'complaint' && event.bounceType !== 'hard') continue
    const address = canonicalEmail(event.email)
    const kept = byAddress.get(address)
    if (kept && (kept.reason === 'complaint' || event.type !== 'complaint')) continue
    byAddress.set(address, { reason: event.type, detail: event.detail ?? null })
  }
  if (byAddress.size === 0) return 0
  await upsertSuppressions(getDb(), {
    emails: [...byAddress.keys()],
    reasons: [...byAddress.values()].map((row) => row.reason),
    details: [...byAddress.values()].map((row) => row.detail),
  })
  return byAddress.size
}
