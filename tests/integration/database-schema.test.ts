// The database itself keeps the data honest: whatever code path writes, these rules hold.
import { eq, sql } from 'drizzle-orm'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { closeDb, createDb } from '#db/client.ts'
import { migrateDatabase } from '#db/migrate.ts'
import {
  actions,
  authorities,
  emailOutbox,
  signatureCounterShards,
  signatures,
} from '#db/schema.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'
import {
  createEmptyDatabase,
  createTestDatabase,
  databaseUrl,
  dropDatabase,
  type TestDatabase,
} from '#tests/support/database.ts'
import { createAction, createSupporter } from '#tests/support/factories.ts'

/** Runs a write and returns the name of the constraint PostgreSQL rejected it with. */
async function violatedConstraint(write: () => Promise<unknown>) {
  try {
    await write()
  } catch (error) {
    const cause = (error as { cause?: postgres.PostgresError }).cause ?? error
    return (cause as postgres.PostgresError).constraint_name ?? (cause as Error).message
  }
  return 'no constraint violated'
}

describe('migrations', () => {
  test('apply on an empty database, and applying them again changes nothing', async () => {
    const name = await createEmptyDatabase('migrate')
    try {
      await migrateDatabase(databaseUrl(name))
      await migrateDatabase(databaseUrl(name))
      const db = createDb(databaseUrl(name), { max: 1 })
      const tables = await db.execute<{ table_name: string }>(sql`
        select table_name from information_schema.tables
        where table_schema = 'public' order by table_name`)
      const applied = await db.execute<{ count: number }>(
        sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
      )
      await closeDb(db)
      expect(tables.map((row) => row.table_name)).toEqual([
        'action_updates',
        'actions',
        'audit_log',
        'authorities',
        'email_outbox',
        'follows',
        'letter_digests',
        'letter_templates',
        'letters',
        'rate_limit_hits',
        'signature_counter_shards',
        'signatures',
        'staff_password_tokens',
        'staff_sessions',
        'staff_users',
        'supporters',
        'suppressions',
      ])
      expect(applied[0]!.count).toBeGreaterThanOrEqual(1)
    } finally {
      await dropDatabase(name)
    }
  })
})

describe('constraints', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase(inject('templateDatabase'), 'schema')
  })
  afterAll(() => t.drop())

  test('a supporter signs one action only once', async () => {
    const action = await createAction(t.db)
    const supporter = await createSupporter(t.db)
    const signature = {
      actionId: action.id,
      supporterId: supporter.id,
      country: 'ES',
      consentAt: new Date(),
    }
    await t.db.insert(signatures).values(signature)
    expect(await violatedConstraint(() => t.db.insert(signatures).values(signature))).toBe(
      'signatures_one_per_supporter_per_action',
    )
  })

  test.each([
    ['UA 12/26', 'two-digit number'],
    ['UA 012/2026', 'four-digit year'],
    ['ua 012/26', 'lower case'],
    ['UA012/26', 'missing space'],
  ])('a malformed reference "%s" (%s) is rejected', async (reference) => {
    expect(await violatedConstraint(() => createAction(t.db, { reference }))).toBe(
      'actions_reference_format',
    )
  })

  test('a reference must agree with its year and number', async () => {
    expect(
      await violatedConstraint(() =>
        createAction(t.db, { reference: 'UA 014/26', referenceYear: 2026, referenceNumber: 15 }),
      ),
    ).toBe('actions_reference_matches_parts')
  })

  test('two actions cannot share a reference', async () => {
    await createAction(t.db, { reference: 'UA 900/25', referenceYear: 2025, referenceNumber: 900 })
    expect(
      await violatedConstraint(() =>
        createAction(t.db, { reference: 'UA 900/25', referenceYear: 2025, referenceNumber: 900 }),
      ),
    ).toBe('actions_reference_unique')
  })

  test('an action cannot be active without a reference, or closed without a closing time', async () => {
    expect(
      await violatedConstraint(() =>
        createAction(t.db, { reference: null, referenceYear: null, referenceNumber: null }),
      ),
    ).toBe('actions_launched_has_reference')
    expect(await violatedConstraint(() => createAction(t.db, { status: 'closed' }))).toBe(
      'actions_closed_consistent',
    )
    expect(await violatedConstraint(() => createAction(t.db, { outcome: 'released' }))).toBe(
      'actions_outcome_only_when_closed',
    )
  })

  test('slugs and countries have one format', async () => {
    expect(await violatedConstraint(() => createAction(t.db, { slug: 'Not A Slug' }))).toBe(
      'actions_slug_format',
    )
    expect(await violatedConstraint(() => createAction(t.db, { country: 'Kenya' }))).toBe(
      'actions_country_format',
    )
  })

  test('an authority must be reachable by email or post', async () => {
    const action = await createAction(t.db)
    expect(
      await violatedConstraint(() =>
        t.db.insert(authorities).values({
          actionId: action.id,
          position: 2,
          name: 'Nobody',
          title: 'Minister',
          salutation: 'Dear Minister',
          email: null,
          postalAddress: ' ',
        }),
      ),
    ).toBe('authorities_reachable')
  })

  test('a confirmed signature needs its confirmation time', async () => {
    const action = await createAction(t.db)
    const supporter = await createSupporter(t.db)
    expect(
      await violatedConstraint(() =>
        t.db.insert(signatures).values({
          actionId: action.id,
          supporterId: supporter.id,
          country: 'ES',
          consentAt: new Date(),
          status: 'confirmed',
        }),
      ),
    ).toBe('signatures_confirmed_has_time')
  })

  test('counter shards stay within range', async () => {
    const action = await createAction(t.db)
    expect(
      await violatedConstraint(() =>
        t.db
          .insert(signatureCounterShards)
          .values({ actionId: action.id, shard: 16, confirmed: 1 }),
      ),
    ).toBe('signature_counter_shards_range')
  })

  test('an outbox message is written once per idempotency key, with a template-checked payload', async () => {
    const params = {
      firstName: 'Ana',
      actionTitle: 'Free Imani',
      atRiskName: 'Imani',
      confirmUrl: 'https://vigil.test/confirm/abc',
    }
    const message = {
      idempotencyKey: 'confirm:once',
      template: 'signature-confirmation',
      to: 'ana@example.org',
      params,
    }
    const first = await t.db.transaction((tx) => writeOutboxMessage(tx, message))
    const second = await t.db.transaction((tx) => writeOutboxMessage(tx, message))
    expect(first).toEqual(expect.any(String))
    expect(second).toBeNull()
    const rows = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.idempotencyKey, 'confirm:once'))
    expect(rows).toHaveLength(1)
    await expect(
      t.db.transaction((tx) =>
        writeOutboxMessage(tx, {
          ...message,
          idempotencyKey: 'confirm:bad',
          params: { ...params, confirmUrl: 'javascript:alert(1)' },
        }),
      ),
    ).rejects.toThrow()
    await expect(
      t.db.transaction((tx) =>
        writeOutboxMessage(tx, { ...message, idempotencyKey: 'x', template: 'no-such-template' }),
      ),
    ).rejects.toThrow('Unknown email template "no-such-template"')
  })

  test('deleting an action that has signatures is refused', async () => {
    const action = await createAction(t.db)
    const supporter = await createSupporter(t.db)
    await t.db.insert(signatures).values({
      actionId: action.id,
      supporterId: supporter.id,
      country: 'ES',
      consentAt: new Date(),
    })
    expect(
      await violatedConstraint(() => t.db.delete(actions).where(eq(actions.id, action.id))),
    ).toBe('signatures_action_id_actions_id_fk')
  })
})
