// Queue names, job payloads and their options, in one place. Job data carries ids only: no email
// address or name is ever written to Redis.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq'
import { z } from 'zod'

export const QUEUE_NAMES = {
  emailDelivery: 'email-delivery',
  // Scheduled housekeeping (jobs/maintenance.ts).
  maintenance: 'maintenance',
} as const

export const EmailDeliveryJobSchema = z.object({ outboxId: z.uuid() }).strict()
export type EmailDeliveryJob = z.infer<typeof EmailDeliveryJobSchema>

/** How often an email is tried before it is shown as failed, and the first retry's delay. */
export type EmailRetryPolicy = { attempts: number; backoffMs: number }

/**
 * Transient SMTP failures (connection refused, 4xx) retry with exponential backoff: by default
 * (EMAIL_ATTEMPTS 9, EMAIL_BACKOFF_MS 2000) 2 s, 4 s, 8 s, … about 8.5 minutes in all.
 * Finished jobs are kept for a while so the console can count them.
 */
export function emailDeliveryJobOptions({ attempts, backoffMs }: EmailRetryPolicy) {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: { count: 1000, age: 24 * 3600 },
    removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
  } satisfies DefaultJobOptions
}

export function createEmailDeliveryQueue(
  connection: ConnectionOptions,
  prefix: string,
  retry: EmailRetryPolicy,
) {
  return new Queue<EmailDeliveryJob>(QUEUE_NAMES.emailDelivery, {
    connection,
    prefix,
    defaultJobOptions: emailDeliveryJobOptions(retry),
  })
}

/**
 * Removes the jobs of these ids that have finished (completed or failed), so that the ids can be
 * enqueued again: BullMQ ignores a new job whose id it still knows. A job still waiting or
 * running is left alone. The outbox uses a message's id as its job's id, so a message sent again
 * (held while its action was paused, retried from the console) needs its old job gone first.
 */
export async function removeFinishedJobs(queue: Queue, ids: string[]) {
  await Promise.all(
    ids.map(async (id) => {
      const state = await queue.getJobState(id)
      if (state === 'completed' || state === 'failed') await queue.remove(id)
    }),
  )
}
