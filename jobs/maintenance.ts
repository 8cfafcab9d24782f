// Scheduled housekeeping, run by BullMQ job schedulers (one schedule however many workers run):
// closing actions whose deadline has passed, and pruning old rate-limit windows. Letters,
// digests, fan-outs and the outbox are moved by the worker's pump, which needs lower latency.
import { Queue, Worker, type ConnectionOptions } from 'bullmq'
import { z } from 'zod'
import { closeExpiredActions } from '#app/models/action-admin.server.ts'
import { pruneRateLimits } from '#app/utils/rate-limit.server.ts'
import type { Database } from '#db/client.ts'
import { QUEUE_NAMES } from './queues.ts'

export const MAINTENANCE_QUEUE = QUEUE_NAMES.maintenance
const MaintenanceJob = z.enum(['close-expired-actions', 'prune-rate-limits'])

export async function startMaintenance({
  db,
  producer,
  consumer,
  prefix,
  deadlineCheckMs,
  log,
}: {
  db: Database
  producer: ConnectionOptions
  consumer: ConnectionOptions
  prefix: string
  deadlineCheckMs: number
  log: (message: string) => void
}) {
  const queue = new Queue(MAINTENANCE_QUEUE, {
    connection: producer,
    prefix,
    defaultJobOptions: {
      removeOnComplete: 100,
      removeOnFail: 500,
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
    },
  })
  queue.on('error', () => {})
  const schedule = async () => {
    await queue.upsertJobScheduler(
      'close-expired-actions',
      { every: deadlineCheckMs },
      { name: 'close-expired-actions' },
    )
    await queue.upsertJobScheduler(
      'prune-rate-limits',
      { every: 3_600_000 },
      { name: 'prune-rate-limits' },
    )
  }
  // Redis may be down at start: keep trying, the schedules are idempotent.
  const scheduling = (async () => {
    for (;;) {
      try {
        await schedule()
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 5000))
      }
    }
  })()
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      const name = MaintenanceJob.parse(job.name)
      if (name === 'close-expired-actions') {
        const closed = await closeExpiredActions(db)
        if (closed > 0) log(`worker: closed ${closed} action(s) past their deadline`)
        return { closed }
      }
      await pruneRateLimits(db)
      return { pruned: true }
    },
    { connection: consumer, prefix, concurrency: 1 },
  )
  worker.on('error', () => {})
  return {
    async close() {
      await worker.close()
      await Promise.race([scheduling, new Promise((resolve) => setTimeout(resolve, 100))])
      await queue.close()
    },
  }
}
