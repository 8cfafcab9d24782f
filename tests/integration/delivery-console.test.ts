// What staff see of delivery: messages that ran out of retries, with their reason, can be sent
// again (with the letters they carried); queue counts come from BullMQ.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
// Types only: the module is imported once the environment points at the test database.
import type * as DeliveryAdmin from '#app/models/delivery-admin.server.ts'
import { auditLog, emailOutbox, letters, signatures, authorities } from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction, createSupporter } from '#tests/support/factories.ts'
import { deleteRedisPrefix, SHARED_REDIS_URL, uniqueRedisPrefix } from '#tests/support/processes.ts'

let t: TestDatabase
const prefix = uniqueRedisPrefix()
let console_: typeof DeliveryAdmin

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'deliveryconsole')
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: 'https://vigil.test',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0000',
  })
  console_ = await import('#app/models/delivery-admin.server.ts')
})

afterAll(async () => {
  const { getDb } = await import('#app/utils/db.server.ts')
  const { closeDb } = await import('#db/client.ts')
  await closeDb(getDb())
  await deleteRedisPrefix(SHARED_REDIS_URL, prefix)
  await t?.drop()
})

describe('failed messages in the console', () => {
  test('are listed with their reason, masked address, and can be retried with their letter', async () => {
    const action = await createAction(t.db)
    const supporter = await createSupporter(t.db)
    const [signature] = await t.db
      .insert(signatures)
      .values({
        actionId: action.id,
        supporterId: supporter.id,
        country: 'ES',
        consentAt: new Date(),
        status: 'confirmed',
        confirmedAt: new Date(),
      })
      .returning()
    const [authority] = await t.db
      .select()
      .from(authorities)
      .where(eq(authorities.actionId, action.id))
    const [message] = await t.db
      .insert(emailOutbox)
      .values({
        idempotencyKey: `letter:test-${Date.now()}`,
        template: 'authority-letter',
        toAddress: 'minister@justice.example',
        payload: { letterId: '00000000-0000-4000-8000-000000000000' },
        transactional: true,
        actionId: action.id,
        status: 'failed',
        attempts: 9,
        lastError: 'gave up: SMTP 421: try later',
      })
      .returning()
    await t.db.insert(letters).values({
      signatureId: signature!.id,
      authorityId: authority!.id,
      status: 'failed',
      outboxId: message!.id,
    })

    const { messages } = await console_.listFailedMessages(1)
    expect(messages).toEqual([
      expect.objectContaining({
        id: message!.id,
        lastError: 'gave up: SMTP 421: try later',
        attempts: 9,
        toAddress: 'm••••••@justice.example',
        reference: action.reference,
      }),
    ])

    const staff = await t.db.execute<{ id: string }>(
      sql`insert into staff_users (email, name, role) values ('e@vigil.example', 'Ed', 'editor') returning id`,
    )
    expect(
      await console_.retryFailedMessages({
        ids: [message!.id],
        staffUserId: staff[0]!.id,
        ip: '127.0.0.1',
      }),
    ).toBe(1)
    const [retried] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, message!.id))
    expect(retried).toMatchObject({
      status: 'pending',
      attempts: 0,
      lastError: null,
      enqueuedAt: null,
    })
    const [letter] = await t.db.select().from(letters).where(eq(letters.outboxId, message!.id))
    expect(letter?.status).toBe('queued')
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.event, 'outbox.retry'))
    expect(audit).toHaveLength(1)
    // Retrying what is not failed changes nothing.
    expect(
      await console_.retryFailedMessages({
        ids: 'all',
        staffUserId: staff[0]!.id,
        ip: '127.0.0.1',
      }),
    ).toBe(0)
  })

  test('queue counts come from BullMQ', async () => {
    const counts = await console_.getQueueCounts()
    expect(counts?.name).toBe('email-delivery')
    expect(counts?.counts).toMatchObject({ waiting: 0, active: 0, failed: 0 })
  })
})
