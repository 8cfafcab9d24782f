import type { DbOrTx } from '#db/client.ts'
import { auditLog } from '#db/schema.ts'

/** Records who did what to which record, with the values before and after. */
export async function writeAudit(
  db: DbOrTx,
  entry: {
    staffUserId: string | null
    event: string
    entityType: string
    entityId?: string | null
    before?: unknown
    after?: unknown
    ip?: string | null
  },
) {
  await db.insert(auditLog).values({
    staffUserId: entry.staffUserId,
    event: entry.event,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    // Staff IPs are kept (unlike supporters'): the audit log must say where a change came from.
    ip: entry.ip || null,
  })
}
