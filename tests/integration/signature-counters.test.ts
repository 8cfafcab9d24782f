// Counts stay right under concurrency, cost a fixed number of rows to read, and can be repaired.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import {
  addConfirmedSignatures,
  readConfirmedCounts,
  recountConfirmedSignatures,
} from '#db/counters.ts'
import { COUNTER_SHARDS, signatureCounterShards, signatures } from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction, createSupporter } from '#tests/support/factories.ts'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'counters')
})
afterAll(() => t.drop())

describe('confirmed-signature counters', () => {
  test('200 concurrent confirmations are all counted, spread over several rows', async () => {
    const action = await createAction(t.db)
    await Promise.all(
      Array.from({ length: 200 }, () =>
        t.db.transaction((tx) => addConfirmedSignatures(tx, action.id)),
      ),
    )
    const counts = await readConfirmedCounts(t.db, [action.id])
    expect(counts.get(action.id)).toBe(200)
    const shards = await t.db
      .select()
      .from(signatureCounterShards)
      .where(eq(signatureCounterShards.actionId, action.id))
    expect(shards.length).toBeGreaterThan(1)
    expect(shards.length).toBeLessThanOrEqual(COUNTER_SHARDS)
  })

  test('an action nobody has signed counts zero', async () => {
    const action = await createAction(t.db)
    expect((await readConfirmedCounts(t.db, [action.id])).get(action.id)).toBe(0)
  })

  test('a recount repairs a counter that drifted from the confirmed signatures', async () => {
    const action = await createAction(t.db)
    for (let i = 0; i < 3; i++) {
      const supporter = await createSupporter(t.db)
      await t.db.insert(signatures).values({
        actionId: action.id,
        supporterId: supporter.id,
        country: 'ES',
        consentAt: new Date(),
        status: 'confirmed',
        confirmedAt: new Date(),
      })
    }
    const pending = await createSupporter(t.db)
    await t.db.insert(signatures).values({
      actionId: action.id,
      supporterId: pending.id,
      country: 'ES',
      consentAt: new Date(),
    })
    await addConfirmedSignatures(t.db, action.id, 41)

    expect(await recountConfirmedSignatures(t.db, action.id)).toEqual({ before: 41, after: 3 })
    expect((await readConfirmedCounts(t.db, [action.id])).get(action.id)).toBe(3)
    const [{ rows }] = (await t.db.execute<{ rows: number }>(
      sql`select count(*)::int as rows from signature_counter_shards where action_id = ${action.id}`,
    )) as unknown as [{ rows: number }]
    expect(rows).toBe(COUNTER_SHARDS)
  })
})
