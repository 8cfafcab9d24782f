// What the console shows of delivery: queue counts, the outbox by status, failed messages with
// their reasons, and retrying them.
import { Queue } from 'bullmq'
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { anyOf } from '#db/prepared.ts'
import { actions, emailOutbox, letterDigests, letters } from '#db/schema.ts'
import { createRedis } from '#jobs/connection.ts'
import { QUEUE_NAMES, removeFinishedJobs } from '#jobs/queues.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

const globalForQueues = globalThis as typeof globalThis & {
  __vigilConsoleQueues?: Map<QueueName, Queue>
}

type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES]
/** Every queue the workers run, in the order the console lists them. */
const CONSOLE_QUEUES: QueueName[] = Object.values(QUEUE_NAMES)
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const

/** One fail-fast connection, shared by the console's handles on every queue (kept across rebuilds). */
function consoleQueue(name: QueueName) {
  if (!globalForQueues.__vigilConsoleQueues) {
    const env = getEnv()
    const redis = createRedis(env.REDIS_URL, 'producer')
    globalForQueues.__vigilConsoleQueues = new Map(
      CONSOLE_QUEUES.map((queueName) => {
        const queue = new Queue(queueName, { connection: redis, prefix: env.REDIS_PREFIX })
        queue.on('error', () => {})
        return [queueName, queue]
      }),
    )
  }
  return globalForQueues.__vigilConsoleQueues.get(name)!
}

/** Gives up on Redis after this long: the console must render while Redis is down. */
const REDIS_TIMEOUT_MS = 1000

function withinTimeout<T>(work: Promise<T>) {
  const timeout = new Promise<null>((resolve) =>
    setTimeout(() => resolve(null), REDIS_TIMEOUT_MS).unref(),
  )
  return Promise.race([work.catch(() => null), timeout])
}

/** BullMQ's counts per state for every queue, or null when Redis does not answer within a second. */
export async function getQueueCounts() {
  return withinTimeout(
    Promise.all(
      CONSOLE_QUEUES.map(async (name) => {
        const counts = await consoleQueue(name).getJobCounts(...QUEUE_STATES)
        return { name, counts: counts as Record<(typeof QUEUE_STATES)[number], number> }
      }),
    ),
  )
}

export async function getOutboxSummary() {
  const rows = await getDb()
    .select({ status: emailOutbox.status, n: sql<number>`count(*)::int` })
    .from(emailOutbox)
    .groupBy(emailOutbox.status)
  return Object.fromEntries(rows.map((row) => [row.status, row.n])) as Partial<
    Record<string, number>
  >
}

/** Hides most of an address on screen; staff rarely need more to recognise a problem. */
export function maskAddress(address: string) {
  const [local = '', domain = ''] = address.split('@')
  return `${local.slice(0, 1)}${'•'.repeat(Math.max(1, Math.min(local.length - 1, 6)))}@${domain}`
}

export const FAILED_PAGE_SIZE = 50

export async function listFailedMessages(page: number) {
  const rows = await getDb()
    .select({
      id: emailOutbox.id,
      template: emailOutbox.template,
      toAddress: emailOutbox.toAddress,
      lastError: emailOutbox.lastError,
      attempts: emailOutbox.attempts,
      createdAt: emailOutbox.createdAt,
      reference: actions.reference,
    })
    .from(emailOutbox)
    .leftJoin(actions, eq(actions.id, emailOutbox.actionId))
    .where(eq(emailOutbox.status, 'failed'))
    .orderBy(desc(emailOutbox.createdAt))
    .limit(FAILED_PAGE_SIZE + 1)
    .offset((page - 1) * FAILED_PAGE_SIZE)
  return {
    messages: rows.slice(0, FAILED_PAGE_SIZE).map((row) => ({
      ...row,
      toAddress: maskAddress(row.toAddress),
      createdAt: row.createdAt.toISOString(),
    })),
    hasMore: rows.length > FAILED_PAGE_SIZE,
  }
}

/**
 * Removes the finished jobs of messages about to be sent again: left there, a failed job would stop
 * the dispatcher from ever enqueueing the retried message (see `removeFinishedJobs`).
 */
async function removeRetriedMessagesJobs(ids: string[]) {
  const queue = consoleQueue(QUEUE_NAMES.emailDelivery)
  for (let i = 0; i < ids.length; i += 500) {
    // Bounded like the counts: a slow Redis must not hold the transaction and its row locks.
    const removed = await withinTimeout(removeFinishedJobs(queue, ids.slice(i, i + 500)))
    // Null when Redis failed or was slow; done, the removal resolves to undefined.
    if (removed === null) throw new QueueUnavailableError('Redis did not answer in time')
  }
}

class QueueUnavailableError extends Error {}

/**
 * Sends failed messages again (one, or every failed one): back to pending with a fresh budget of
 * attempts; the letters they carried are queued again. Audited. Returns how many, or null when
 * Redis (where their old jobs must be removed) does not answer: then nothing changes.
 */
export async function retryFailedMessages({
  ids,
  staffUserId,
  ip,
}: {
  ids: string[] | 'all'
  staffUserId: string
  ip: string
}) {
  return getDb()
    .transaction(async (tx) => {
      const retried = await tx
        .update(emailOutbox)
        .set({
          status: 'pending',
          attempts: 0,
          enqueuedAt: null,
          lastError: null,
          availableAt: sql`now()`,
        })
        .where(
          and(
            eq(emailOutbox.status, 'failed'),
            ids === 'all' ? undefined : anyOf(emailOutbox.id, ids),
          ),
        )
        .returning({ id: emailOutbox.id })
      const retriedIds = retried.map((row) => row.id)
      if (retriedIds.length > 0) {
        // Letters to one official go no faster than their action's throttle, retried or not:
        // after an outage, hundreds may have failed together. Each address's retried letters
        // are spread over time at that rate instead of going at once.
        await tx.execute(sql`
          update ${emailOutbox} o
          set available_at = now() + make_interval(secs => (r.turn - 1) * 3600.0 / r.per_hour)
          from (
            select e.id, ac.throttle_per_hour as per_hour,
              row_number() over (partition by lower(e.to_address) order by e.created_at) as turn
            from ${emailOutbox} e join ${actions} ac on ac.id = e.action_id
            where e.id = any(${sql.param(retriedIds)}::uuid[]) and e.template = 'authority-letter'
          ) r
          where o.id = r.id`)
        await tx
          .update(letters)
          .set({ status: 'queued' })
          .where(and(anyOf(letters.outboxId, retriedIds), eq(letters.status, 'failed')))
        const digests = tx
          .select({ id: letterDigests.id })
          .from(letterDigests)
          .where(anyOf(letterDigests.outboxId, retriedIds))
        await tx
          .update(letters)
          .set({ status: 'queued' })
          .where(and(inArray(letters.digestId, digests), eq(letters.status, 'failed')))
        // Before the commit: until then the rows stay failed, so no dispatcher enqueues them early.
        await removeRetriedMessagesJobs(retriedIds)
        await tx.execute(sql`select pg_notify('vigil_outbox', '')`)
        await writeAudit(tx, {
          staffUserId,
          event: 'outbox.retry',
          entityType: 'email_outbox',
          entityId: ids === 'all' ? 'all-failed' : retriedIds.join(','),
          after: { retried: retriedIds.length },
          ip,
        })
      }
      return retriedIds.length
    })
    .catch((error: Error) => {
      if (error instanceof QueueUnavailableError) return null
      throw error
    })
}
