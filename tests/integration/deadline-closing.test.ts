// Actions close themselves when their deadline passes: the real worker process keeps a BullMQ job
// scheduler that closes them (and audits each), however many workers run.
import { Queue } from 'bullmq'
import { and, eq } from 'drizzle-orm'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { actions, auditLog } from '#db/schema.ts'
import { MAINTENANCE_QUEUE } from '#jobs/maintenance.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { waitFor } from '#tests/support/ports.ts'
import {
  deleteRedisPrefix,
  SHARED_REDIS_URL,
  startWorkerProcess,
  uniqueRedisPrefix,
  type RunningProcess,
} from '#tests/support/processes.ts'

let t: TestDatabase
const prefix = uniqueRedisPrefix()
const workers: RunningProcess[] = []
let redis: Redis
let queue: Queue

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)

function startWorker() {
  return startWorkerProcess({
    DATABASE_URL: t.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
    // Nothing here sends email; the transport connects only when it sends.
    SMTP_URL: 'smtp://127.0.0.1:2525',
    DEADLINE_CHECK_MS: '1000',
  }).then((worker) => {
    workers.push(worker)
    return worker
  })
}

async function statusOf(id: string) {
  const [row] = await t.db
    .select({ status: actions.status, closedAt: actions.closedAt })
    .from(actions)
    .where(eq(actions.id, id))
  return row!
}

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'deadline')
  redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 1 })
  queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix })
})

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()))
  await queue?.close()
  redis?.disconnect()
  await deleteRedisPrefix(SHARED_REDIS_URL, prefix)
  await t?.drop()
})

describe('closing actions at their deadline', () => {
  test('the worker closes an active action whose deadline has passed, audits it, and keeps checking', async () => {
    const expired = await createAction(t.db, { deadline: yesterday() })
    const running = await createAction(t.db, { deadline: '2099-12-31' })

    await startWorker()

    await waitFor(async () => (await statusOf(expired.id)).status === 'closed', {
      what: 'the expired action to be closed by the scheduled job',
    })
    expect((await statusOf(expired.id)).closedAt).toBeInstanceOf(Date)
    expect((await statusOf(running.id)).status).toBe('active')
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, expired.id), eq(auditLog.event, 'action.closed')))
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({
      staffUserId: null,
      before: { status: 'active' },
      after: { status: 'closed', reason: 'deadline', deadline: yesterday() },
    })

    // A schedule, not a job run once at start-up: a deadline that passes later is caught too.
    await t.db.update(actions).set({ deadline: yesterday() }).where(eq(actions.id, running.id))
    await waitFor(async () => (await statusOf(running.id)).status === 'closed', {
      what: 'the second action to be closed by a later run of the schedule',
    })
  })

  test('with a second worker running there is still one schedule per job, and an expired action is closed and audited once', async () => {
    await startWorker()
    const schedulers = await queue.getJobSchedulers()
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
      ['close-expired-actions', 1000],
      ['prune-rate-limits', 3_600_000],
    ])
    // Each scheduler keeps one next run waiting; two workers still make one.
    const next = await queue.getJobs(['delayed', 'wait', 'prioritized'])
    const pending = next.filter((job) => job.name === 'close-expired-actions')
    expect(pending.length).toBeLessThanOrEqual(1)

    // And the shared schedule still closes actions, exactly once each.
    const expired = await createAction(t.db, { deadline: yesterday() })
    await waitFor(async () => (await statusOf(expired.id)).status === 'closed', {
      what: 'an action to be closed with two workers running',
    })
    const audits = await t.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, expired.id), eq(auditLog.event, 'action.closed')))
    expect(audits).toHaveLength(1)
  })
})
