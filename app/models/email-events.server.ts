// Bounces and complaints reported by the email provider: every address they name is suppressed,
// and never emailed again.
import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
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

export async function recordEmailEvents(events: z.output<typeof EmailEventsPayload>) {
  const rows = events
    .filter((event) => event.type === 'complaint' || event.bounceType === 'hard')
    .map((event) => ({
      emailCanonical: canonicalEmail(event.email),
      reason: event.type,
      detail: event.detail ?? null,
    }))
  if (rows.length === 0) return 0
  await getDb()
    .insert(suppressions)
    .values(rows)
    .onConflictDoUpdate({
      target: suppressions.emailCanonical,
      // A complaint outranks a bounce; either way the address stays suppressed.
      set: {
        reason: sql`case when excluded.reason = 'complaint' then excluded.reason else ${suppressions.reason} end`,
      },
    })
  return rows.length
}
