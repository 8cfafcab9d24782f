// The demo content a newcomer sees on first run.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { readConfirmedCounts } from '#db/counters.ts'
import { actions, actionUpdates, authorities, letterTemplates } from '#db/schema.ts'
import { seedDatabase } from '#db/seed.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'seed')
})
afterAll(() => t.drop())

describe('demo content', () => {
  test('seeds fictional actions covering the main themes, statuses and outcomes', async () => {
    expect(await seedDatabase(t.db)).toBe(true)
    const all = await t.db.select().from(actions)
    expect(all.length).toBeGreaterThanOrEqual(6)
    expect(new Set(all.map((a) => a.country)).size).toBeGreaterThanOrEqual(6)
    const themes = new Set(all.flatMap((a) => a.themes))
    for (const theme of [
      'arbitrary_detention',
      'torture_risk',
      'enforced_disappearance',
      'judicial_harassment',
      'death_threats',
      'unfair_trial',
    ] as const) {
      expect(themes).toContain(theme)
    }
    const statuses = all.map((a) => a.status)
    expect(statuses).toContain('active')
    expect(statuses).toContain('closed')
    expect(all.some((a) => a.status === 'closed' && a.outcome === 'released')).toBe(true)
    expect(all.some((a) => a.status === 'active' && a.pausedAt !== null)).toBe(true)
  })

  test('every launched action has authorities, a letter, and a per-year sequential reference', async () => {
    const launched = await t.db
      .select()
      .from(actions)
      .where(sql`${actions.status} <> 'draft'`)
      .orderBy(actions.launchedAt)
    for (const action of launched) {
      const targets = await t.db
        .select()
        .from(authorities)
        .where(eq(authorities.actionId, action.id))
      const [letter] = await t.db
        .select()
        .from(letterTemplates)
        .where(eq(letterTemplates.actionId, action.id))
      expect(targets.length, action.slug).toBeGreaterThan(0)
      expect(letter?.body, action.slug).toContain('{{authority.salutation}}')
    }
    const numbersByYear = new Map<number, number[]>()
    for (const action of launched) {
      const list = numbersByYear.get(action.referenceYear!) ?? []
      list.push(action.referenceNumber!)
      numbersByYear.set(action.referenceYear!, list)
    }
    for (const numbers of numbersByYear.values()) {
      expect(numbers).toEqual(numbers.map((_, i) => i + 1))
    }
    const updates = await t.db.select().from(actionUpdates)
    expect(updates.length).toBeGreaterThan(0)
  })

  test('counters match the seeded confirmed signatures', async () => {
    const all = await t.db.select({ id: actions.id }).from(actions)
    const counts = await readConfirmedCounts(
      t.db,
      all.map((a) => a.id),
    )
    const rows = await t.db.execute<{ action_id: string; n: number }>(
      sql`select action_id, count(*)::int as n from signatures where status = 'confirmed' group by action_id`,
    )
    for (const row of rows) expect(counts.get(row.action_id)).toBe(row.n)
    expect(rows.length).toBeGreaterThan(0)
  })

  test('seeding again changes nothing', async () => {
    const before = await t.db.select({ n: sql<number>`count(*)::int` }).from(actions)
    expect(await seedDatabase(t.db)).toBe(false)
    const after = await t.db.select({ n: sql<number>`count(*)::int` }).from(actions)
    expect(after).toEqual(before)
  })
})
