// Publishing an update fans it out to the action's followers: the worker writes one outbox
// email per active follower, in batches, resuming after the last follower written (a keyset
// cursor), so a restart neither loses nor repeats anyone; the idempotency key
// update:<update>:<supporter> makes a repeated batch harmless anyway. Unsubscribes are checked
// again when each email is sent.
import { and, asc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm'
import type { Database } from '#db/client.ts'
import { actions, actionUpdates, follows, supporters } from '#db/schema.ts'
import { writeOutboxMessages } from './outbox.ts'

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
    const batch = await tx
      .select({ supporterId: follows.supporterId, email: supporters.email })
      .from(follows)
      .innerJoin(supporters, eq(supporters.id, follows.supporterId))
      .where(
        and(
          eq(follows.actionId, update.actionId),
          eq(follows.status, 'active'),
          current.cursor ? gt(follows.supporterId, current.cursor) : undefined,
        ),
      )
      .orderBy(asc(follows.supporterId))
      .limit(batchSize)
    const recipients = batch.filter((row): row is { supporterId: string; email: string } =>
      Boolean(row.email),
    )
    const ids = await writeOutboxMessages(
      tx,
      recipients.map((row) => ({
        idempotencyKey: `update:${update.id}:${row.supporterId}`,
        template: 'action-update',
        to: row.email,
        supporterId: row.supporterId,
        actionId: update.actionId,
        updateId: update.id,
        params: { updateId: update.id },
      })),
    )
    await tx
      .update(actionUpdates)
      .set({
        fanoutCursor: batch.at(-1)?.supporterId ?? current.cursor,
        fanoutCompletedAt: batch.length < batchSize ? sql`now()` : null,
      })
      .where(eq(actionUpdates.id, update.id))
    return ids.size
  })
}
