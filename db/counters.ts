// Confirmed-signature counts, sharded: each confirmation adds to one of COUNTER_SHARDS rows picked
// at random, so a surge spreads its writes instead of queueing on one hot row, and reading a
// count sums a fixed, small number of rows however many signatures there are.
import { and, eq, sql } from 'drizzle-orm'
import { anyOf } from './prepared.ts'
import type { Database, DbOrTx } from './client.ts'
import { COUNTER_SHARDS, signatureCounterShards, signatures } from './schema.ts'

/** Adds to an action's confirmed count; call in the transaction that confirms the signature(s). */
export async function addConfirmedSignatures(tx: DbOrTx, actionId: string, by = 1) {
  const shard = Math.floor(Math.random() * COUNTER_SHARDS)
  await tx
    .insert(signatureCounterShards)
    .values({ actionId, shard, confirmed: by })
    .onConflictDoUpdate({
      target: [signatureCounterShards.actionId, signatureCounterShards.shard],
      set: { confirmed: sql`${signatureCounterShards.confirmed} + ${by}` },
    })
}

/** Confirmed counts for several actions at once (0 for an action with none). */
export async function readConfirmedCounts(db: DbOrTx, actionIds: string[]) {
  const counts = new Map<string, number>(actionIds.map((id) => [id, 0]))
  if (actionIds.length === 0) return counts
  const rows = await db
    .select({
      actionId: signatureCounterShards.actionId,
      total: sql<number>`sum(${signatureCounterShards.confirmed})::bigint`.mapWith(Number),
    })
    .from(signatureCounterShards)
    .where(anyOf(signatureCounterShards.actionId, actionIds))
    .groupBy(signatureCounterShards.actionId)
  for (const row of rows) counts.set(row.actionId, row.total)
  return counts
}

/**
 * Repairs an action's counter from the signatures themselves. Locks the action's shards so no
 * confirmation slips between the count and the write. Returns the count before and after.
 */
export async function recountConfirmedSignatures(db: Database, actionId: string) {
  return db.transaction(async (tx) => {
    // Make sure every shard exists, then lock them all: confirmations wait for the repair.
    await tx
      .insert(signatureCounterShards)
      .values(
        Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({ actionId, shard, confirmed: 0 })),
      )
      .onConflictDoNothing()
    const shards = await tx
      .select({ confirmed: signatureCounterShards.confirmed })
      .from(signatureCounterShards)
      .where(eq(signatureCounterShards.actionId, actionId))
      .for('update')
    const before = shards.reduce((sum, shard) => sum + shard.confirmed, 0)
    const [row] = await tx
      .select({ count: sql<number>`count(*)::bigint`.mapWith(Number) })
      .from(signatures)
      .where(and(eq(signatures.actionId, actionId), eq(signatures.status, 'confirmed')))
    const after = row?.count ?? 0
    await tx
      .update(signatureCounterShards)
      .set({
        confirmed: sql`case when ${signatureCounterShards.shard} = 0 then ${after} else 0 end`,
      })
      .where(eq(signatureCounterShards.actionId, actionId))
    return { before, after }
  })
}
