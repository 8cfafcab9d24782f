// Publishing an update fans it out to the action's followers: the worker writes one outbox
// email per active follower, in batches, resuming after the last follower written (a keyset
// cursor), so a restart neither loses nor repeats anyone; the idempotency key
// update:<update>:<supporter> makes a repeated batch harmless anyway. Unsubscribes are checked
// again when each email is sent.
import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import type { Database } from '#db/client.ts'
import { actions, actionUpdates, follows, supporters } from '#db/schema.ts'
import { writeOutboxMessagesTo } from './outbox.ts'

const NIL_UUID = '00000000-0000-0000-0000-000000000000'

/** Writes the next batch for every published update still fanning out; returns emails written. */
export async function fanOutPublishedUpdates(db: Database, { batchSize }: { batchSize: number }) {
  const open = await db
    .select({ id: actionUpdates.id, actionId: actionUpdates.actionId })
    .from(actionUpdates)
    .innerJoin(actions, eq(actions.id, actionUpdates.actionId))
    .where(
      and(
        isNotNull(actionUpdates.publishedAt),
        isNull(actionUpdates.fanoutCompletedAt),
        isNull(actions.pausedAt),
      ),
    )
    .orderBy(asc(actionUpdates.publishedAt))
    .limit(10)
  let written = 0
  for (const update of open) written += await fanOutBatch(db, update, batchSize)
  return written
}

async function fanOutBatch(
  db: Database,
  update: { id: string; actionId: string },
  batchSize: number,
) {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(hashtext(${`vigil-fanout:${update.id}`})) as locked`,
    )
    if (!lock?.locked) return 0
    const [current] = await tx
      .select({
        total: actionUpdates.fanoutTotal,
        cursor: actionUpdates.fanoutCursor,
        done: actionUpdates.fanoutCompletedAt,
      })
      .from(actionUpdates)
      .where(eq(actionUpdates.id, update.id))
    if (!current || current.done) return 0
    if (current.total === null) {
      const [count] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(follows)
        .where(and(eq(follows.actionId, update.actionId), eq(follows.status, 'active')))
      await tx
        .update(actionUpdates)
        .set({ fanoutTotal: count?.n ?? 0 })
        .where(eq(actionUpdates.id, update.id))
    }
    // Followers after the cursor, in the cursor's order (no supporter id is the nil uuid).
    const recipients = sql`
      select f.supporter_id, s.email
      from ${follows} f join ${supporters} s on s.id = f.supporter_id
      where f.action_id = ${update.actionId}::uuid and f.status = 'active'
        and f.supporter_id > ${current.cursor ?? NIL_UUID}::uuid
      order by f.supporter_id
      limit ${batchSize}`
    const batch = await writeOutboxMessagesTo(tx, recipients, {
      keyPrefix: `update:${update.id}:`,
      template: 'action-update',
      params: { updateId: update.id },
      actionId: update.actionId,
      updateId: update.id,
    })
    await tx
      .update(actionUpdates)
      .set({
        fanoutCursor: batch.last ?? current.cursor,
        fanoutCompletedAt: batch.selected < batchSize ? sql`now()` : null,
      })
      .where(eq(actionUpdates.id, update.id))
    return batch.written
  })
}
