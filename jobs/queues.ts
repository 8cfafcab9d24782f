// Queue names, job payloads and their options, in one place. Job data carries ids only: no email
// address or name is ever written to Redis.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq'
import { z } from 'zod'

export const QUEUE_NAMES = {
  emailDelivery: 'email-delivery',
} as const

export const EmailDeliveryJobSchema = z.object({ outboxId: z.uuid() }).strict()
export type EmailDeliveryJob = z.infer<typeof EmailDeliveryJobSchema>

export const emailDeliveryJobOptions = {
  // Transient SMTP failures (connection refused, 4xx) retry: 2 s, 4 s, 8 s, … about 8.5 minutes in all.
  attempts: 9,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
} satisfies DefaultJobOptions

export function createEmailDeliveryQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<EmailDeliveryJob>(QUEUE_NAMES.emailDelivery, {
    connection,
    prefix,
    defaultJobOptions: emailDeliveryJobOptions,
  })
}
