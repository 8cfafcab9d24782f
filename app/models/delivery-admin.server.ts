// What the console shows of delivery: queue counts, the outbox by status, failed messages with
// their reasons, and retrying them.
import { Queue } from 'bullmq'
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { actions, emailOutbox, letterDigests, letters } from '#db/schema.ts'
import { createRedis } from '#jobs/connection.ts'
import { QUEUE_NAMES } from '#jobs/queues.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

const globalForQueues = globalThis as typeof globalThis & { __vigilConsoleQueue?: Queue }

/** BullMQ's counts per state, or null when Redis does not answer within a second. */
export async function getQueueCounts() {
  const env = getEnv()
  globalForQueues.__vigilConsoleQueue ??= new Queue(QUEUE_NAMES.emailDelivery, {
    connection: createRedis(env.REDIS_URL, 'producer'),
    prefix: env.REDIS_PREFIX,
  })
  const queue = globalForQueues.__vigilConsoleQueue
  queue.on('error', () => {})
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref())
  const counts = queue
    .getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')
    .then((result) => ({
      name: QUEUE_NAMES.emailDelivery,
      counts: result as Record<string, number>,
    }))
    .catch(() => null)
  return Promise.race([counts, timeout])
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
 * Sends failed messages again (one, or every failed one): back to pending with a fresh budget of
 * attempts; the letters they carried are queued again. Audited.
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
  return getDb().transaction(async (tx) => {
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
          ids === 'all' ? undefined : inArray(emailOutbox.id, ids),
        ),
      )
      .returning({ id: emailOutbox.id })
    const retriedIds = retried.map((row) => row.id)
    if (retriedIds.length > 0) {
      await tx
        .update(letters)
        .set({ status: 'queued' })
        .where(and(inArray(letters.outboxId, retriedIds), eq(letters.status, 'failed')))
      const digests = tx
        .select({ id: letterDigests.id })
        .from(letterDigests)
        .where(inArray(letterDigests.outboxId, retriedIds))
      await tx
        .update(letters)
        .set({ status: 'queued' })
        .where(and(inArray(letters.digestId, digests), eq(letters.status, 'failed')))
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
}
