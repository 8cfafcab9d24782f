// What staff see of delivery: messages that ran out of retries, with their reason, can be sent
// again (with the letters they carried); queue counts come from BullMQ, for every queue.
import { eq, inArray, sql } from 'drizzle-orm'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
// Types only: the module is imported once the environment points at the test database.
import type * as DeliveryAdmin from '#app/models/delivery-admin.server.ts'
import { auditLog, emailOutbox, letters, authorities } from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction, createConfirmedSignature } from '#tests/support/factories.ts'
import { waitFor } from '#tests/support/ports.ts'
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
    const signature = await createConfirmedSignature(t.db, action.id)
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
      signatureId: signature.id,
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

  test("retrying every failed letter to one official spreads them at the action's throttle, not all at once", async () => {
    const action = await createAction(t.db, { throttlePerHour: 60 })
    const address = `busy-${Date.now()}@justice.example`
    const failed = await t.db
      .insert(emailOutbox)
      .values(
        Array.from({ length: 4 }, (_, i) => ({
          idempotencyKey: `letter:spread-${Date.now()}-${i}`,
          template: 'authority-letter',
          toAddress: i === 3 ? address.toUpperCase() : address,
          payload: { letterId: '00000000-0000-4000-8000-000000000000' },
          transactional: true,
          actionId: action.id,
          status: 'failed' as const,
          attempts: 9,
          createdAt: new Date(Date.now() - (10 - i) * 1000),
        })),
      )
      .returning()
    const staff = await t.db.execute<{ id: string }>(
      sql`insert into staff_users (email, name, role) values (${`s${Date.now()}@vigil.example`}, 'Sam', 'editor') returning id`,
    )
    await console_.retryFailedMessages({ ids: 'all', staffUserId: staff[0]!.id, ip: '127.0.0.1' })
    const rows = await t.db
      .select({ at: sql<number>`extract(epoch from ${emailOutbox.availableAt})::float8` })
      .from(emailOutbox)
      .where(
        inArray(
          emailOutbox.id,
          failed.map((row) => row.id),
        ),
      )
      .orderBy(emailOutbox.createdAt)
    // 60 an hour: one a minute, the first at once.
    const times = rows.map((row) => Number(row.at))
    expect(times.slice(1).map((at, i) => Math.round(at - times[i]!))).toEqual([60, 60, 60])
    expect(times[0]! * 1000).toBeLessThanOrEqual(Date.now() + 1000)
  })

  test('queue counts come from BullMQ, for every queue the workers run', async () => {
    // Jobs of every state, made by a real BullMQ worker under this file's prefix.
    const redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null })
    const email = new Queue('email-delivery', { connection: redis, prefix })
    const maintenance = new Queue('maintenance', { connection: redis, prefix })
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const worker = new Worker(
      'email-delivery',
      async (job) => {
        if (job.name === 'fail') throw new Error('SMTP 421')
        if (job.name === 'hold') await held
        return { sent: true }
      },
      { connection: redis.duplicate(), prefix, concurrency: 1 },
    )
    try {
      await email.addBulk([
        { name: 'ok', data: {} },
        { name: 'ok', data: {} },
        { name: 'fail', data: {} },
      ])
      await waitFor(
        async () => {
          const counts = await email.getJobCounts('completed', 'failed')
          return counts.completed === 2 && counts.failed === 1
        },
        { what: 'two completed jobs and one failed' },
      )
      await email.add('hold', {})
      await waitFor(async () => (await email.getJobCounts('active')).active === 1, {
        what: 'a job in progress',
      })
      await worker.pause(true)
      await email.addBulk([
        { name: 'ok', data: {} },
        { name: 'ok', data: {} },
        { name: 'ok', data: {} },
        { name: 'ok', data: {}, opts: { delay: 60_000 } },
      ])
      await maintenance.add('prune-rate-limits', {})
      await maintenance.add('close-expired-actions', {}, { delay: 60_000 })

      expect(await console_.getQueueCounts()).toEqual([
        {
          name: 'email-delivery',
          counts: { waiting: 3, active: 1, delayed: 1, failed: 1, completed: 2 },
        },
        {
          name: 'maintenance',
          counts: { waiting: 1, active: 0, delayed: 1, failed: 0, completed: 0 },
        },
      ])
    } finally {
      release()
      await worker.close(true)
      await email.close()
      await maintenance.close()
      redis.disconnect()
    }
  })
})
