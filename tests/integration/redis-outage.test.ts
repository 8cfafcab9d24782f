// Redis moves the work but is never the record: an outage neither loses an email nor fails the
// change that wrote it, and workers refuse a Redis that could evict their jobs.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { actionUpdates, emailOutbox } from '#db/schema.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction, createFollowers } from '#tests/support/factories.ts'
import { waitFor } from '#tests/support/ports.ts'
import {
  exitCodeWithin,
  startRedisServer,
  startWorkerProcess,
  uniqueRedisPrefix,
  type RunningProcess,
} from '#tests/support/processes.ts'
import { startSmtpCapture, type SmtpCapture } from '#tests/support/smtp.ts'

let t: TestDatabase
let smtp: SmtpCapture
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'outage')
  smtp = await startSmtpCapture()
})
afterAll(async () => {
  await smtp?.close()
  await t?.drop()
})

const confirmation = (key: string) => ({
  idempotencyKey: key,
  template: 'signature-confirmation',
  to: `${key}@example.org`,
  params: {
    firstName: 'Lina',
    actionTitle: 'Free the river defenders',
    atRiskName: 'The river committee',
    confirmUrl: `https://vigil.test/confirm/${key}`,
  },
})

/** A worker on this file's database and SMTP server, and on a Redis the test can stop. */
function startWorkerOn(redis: { url: string }, env: Record<string, string> = {}) {
  return startWorkerProcess({
    DATABASE_URL: t.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: uniqueRedisPrefix(),
    SMTP_URL: smtp.url,
    ...env,
  })
}

describe('a Redis outage', () => {
  test('writing still succeeds, and the message is delivered once Redis is back', async () => {
    let redis = await startRedisServer()
    let worker: RunningProcess | undefined
    try {
      worker = await startWorkerOn(redis)
      await redis.stop()

      // The web app's write path does not touch Redis: this succeeds while Redis is down.
      const id = await t.db.transaction((tx) =>
        writeOutboxMessage(tx, confirmation('during-outage')),
      )
      expect(id).toEqual(expect.any(String))
      await worker.waitForOutput('dispatch outbox paused')
      const [waiting] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id!))
      expect(waiting?.status).toBe('pending')
      expect(smtp.messages).toHaveLength(0)

      redis = await startRedisServer({ port: redis.port })
      await smtp.waitForCount(1)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(
        smtp.messages.filter((m) => m.envelopeTo[0] === 'during-outage@example.org'),
      ).toHaveLength(1)
      // SMTP accepts the message a moment before the worker records it as sent.
      await waitFor(
        async () => {
          const [sent] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id!))
          return sent?.status === 'sent'
        },
        { what: 'the message to be recorded as sent' },
      )
    } finally {
      await worker?.stop()
      await redis.stop()
    }
  })

  test('an update still reaches every follower while Redis is down: bulk mail goes straight from the database, and queued mail waits', async () => {
    let redis = await startRedisServer()
    let worker: RunningProcess | undefined
    try {
      worker = await startWorkerOn(redis)
      await redis.stop()

      const action = await createAction(t.db)
      const followers = await createFollowers(t.db, action.id, 20, `redis-down-${Date.now()}`)
      const queued = await t.db.transaction((tx) =>
        writeOutboxMessage(tx, confirmation('queued-while-down')),
      )
      await t.db.insert(actionUpdates).values({
        actionId: action.id,
        sequence: 1,
        title: 'Released on bail',
        body: 'She is home with her family.',
        publishedAt: new Date(),
      })
      const reached = () =>
        smtp.messages.map((m) => m.envelopeTo[0]!).filter((address) => followers.includes(address))
      await waitFor(() => reached().length >= 20, { what: 'the update to reach 20 followers' })
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(reached().sort()).toEqual([...followers].sort())
      await waitFor(
        async () => {
          const rows = await t.db
            .select({ status: emailOutbox.status })
            .from(emailOutbox)
            .where(eq(emailOutbox.actionId, action.id))
          return rows.length === 20 && rows.every((row) => row.status === 'sent')
        },
        { what: 'the 20 emails to be recorded as sent' },
      )
      // The confirmation has a queue job to wait for: it goes once Redis is back.
      await worker.waitForOutput('dispatch outbox paused')
      const [waiting] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, queued!))
      expect(waiting?.status).toBe('pending')
      redis = await startRedisServer({ port: redis.port })
      await waitFor(
        () => smtp.messages.some((m) => m.envelopeTo[0] === 'queued-while-down@example.org'),
        { what: 'the confirmation, once Redis is back' },
      )
    } finally {
      await worker?.stop()
      await redis.stop()
    }
  })

  test('a job Redis lost in a restart is enqueued again and delivered', async () => {
    let redis = await startRedisServer()
    const prefix = uniqueRedisPrefix()
    let worker: RunningProcess | undefined
    try {
      // No worker yet: the dispatcher is the only thing that could enqueue.
      worker = await startWorkerOn(redis, { REDIS_PREFIX: prefix, EMAIL_CONCURRENCY: '1' })
      smtp.rejectData(() => ({ code: 421, message: 'Busy, try later' }))
      const id = await t.db.transaction((tx) => writeOutboxMessage(tx, confirmation('lost-job')))
      await waitFor(
        async () => {
          const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id!))
          return row?.lastError?.includes('421')
        },
        { what: 'a first, refused attempt' },
      )
      // Redis restarts empty (no persistence): the job backing off in it is gone.
      await redis.stop()
      smtp.rejectData(() => undefined)
      redis = await startRedisServer({ port: redis.port })
      await waitFor(() => smtp.messages.some((m) => m.envelopeTo[0] === 'lost-job@example.org'), {
        what: 'the lost job to be re-enqueued and delivered',
        timeoutMs: 30_000,
      })
      // The relay accepts the message before the worker records it: wait for the record.
      await waitFor(
        async () => {
          const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id!))
          return row?.status === 'sent'
        },
        { what: 'the delivered message to be marked sent' },
      )
      expect(smtp.messages.filter((m) => m.envelopeTo[0] === 'lost-job@example.org')).toHaveLength(
        1,
      )
    } finally {
      smtp.rejectData(() => undefined)
      await worker?.stop()
      await redis.stop()
    }
  })
})

describe('Redis configuration', () => {
  /** Starts the worker against a Redis that may evict keys, and gives its exit code and output. */
  async function startAgainstEvictingRedis(extra: Record<string, string> = {}) {
    const redis = await startRedisServer({ policy: 'allkeys-lru' })
    try {
      const worker = await startWorkerProcess(
        {
          DATABASE_URL: t.url,
          REDIS_URL: redis.url,
          REDIS_PREFIX: uniqueRedisPrefix(),
          SMTP_URL: smtp.url,
          ...extra,
        },
        { waitUntilStarted: false },
      )
      try {
        // A supervisor that restarted its processes for ever would never exit: say so, and kill it.
        return { exitCode: await exitCodeWithin(worker, 30_000), output: worker.output() }
      } finally {
        await worker.stop('SIGKILL')
      }
    } finally {
      await redis.stop()
    }
  }

  test('workers refuse to start when Redis may evict keys', async () => {
    const { exitCode, output } = await startAgainstEvictingRedis()
    expect(exitCode).toBe(1)
    expect(output).toContain('maxmemory-policy is "allkeys-lru"')
    expect(output).not.toContain('worker: started')
  })

  test('with several worker processes, one that cannot start stops them all, rather than being restarted for ever', async () => {
    const { exitCode, output } = await startAgainstEvictingRedis({ WORKER_PROCESSES: '2' })
    expect(exitCode).toBe(1)
    expect(output).toMatch(/worker: process \d+ failed to start \(1\); stopping/)
    expect(output).not.toContain('worker: started')
  })
})
