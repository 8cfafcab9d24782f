// One worker process: starts every queue's worker and the outbox dispatcher, and shuts down
// gracefully on SIGTERM (in-flight jobs finish; anything unfinished stays in PostgreSQL). Loaded
// by jobs/worker.ts, the program, in each process that works (not in a supervisor).
import { Worker } from 'bullmq'
import type { Env } from '#app/utils/env.server.ts'
import { closeDb, createDb } from '#db/client.ts'
import { createMailTransport } from '#emails/transport.ts'
import { assertNoEviction, createRedis, RedisPolicyError } from './connection.ts'
import { startBulkDelivery } from './bulk-delivery.ts'
import { fanOutPublishedUpdates } from './fanout.ts'
import { startMaintenance } from './maintenance.ts'
import { createDueDigests, scheduleIndividualLetters } from './letters.ts'
import {
  BULK_CLAIM_SETTINGS,
  databaseTimeAgo,
  dispatchOutbox,
  markOutboxUnqueued,
  OUTBOX_CHANNEL,
  releaseStaleClaims,
} from './outbox.ts'
import {
  createEmailDeliveryQueue,
  QUEUE_NAMES,
  removeFinishedJobs,
  type EmailDeliveryJob,
} from './queues.ts'
import { createEmailDeliveryProcessor, createEmailSender } from './workers/email-delivery.ts'

export type WorkerConfig = Pick<
  Env,
  | 'DATABASE_URL'
  | 'REDIS_URL'
  | 'REDIS_PREFIX'
  | 'SMTP_URL'
  | 'MAIL_FROM'
  | 'APP_URL'
  | 'OUTBOX_POLL_MS'
  | 'OUTBOX_CLAIM_TIMEOUT_MS'
  | 'OUTBOX_REQUEUE_AFTER_MS'
  | 'EMAIL_CONCURRENCY'
  | 'EMAIL_ATTEMPTS'
  | 'EMAIL_BACKOFF_MS'
  | 'DEADLINE_CHECK_MS'
  | 'LETTER_THROTTLE_WINDOW_SECONDS'
  | 'DIGEST_PERIOD_SECONDS'
  | 'UPDATE_FANOUT_BATCH'
  | 'DKIM_DOMAIN'
  | 'DKIM_SELECTOR'
  | 'DKIM_PRIVATE_KEY'
>

type Log = (message: string) => void

/** Drizzle wraps driver errors; the cause says what actually went wrong. */
function describeError(error: Error) {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message.split('\n')[0]}${cause}`
}

export async function startWorkers(config: WorkerConfig, log: Log = console.log) {
  const db = createDb(config.DATABASE_URL, {
    max: config.EMAIL_CONCURRENCY + 4,
    applicationName: 'vigil-worker',
  })
  const workerRedis = createRedis(config.REDIS_URL, 'worker')
  const queueRedis = createRedis(config.REDIS_URL, 'producer')

  log('worker: checking Redis (waits until Redis answers)')
  await assertNoEviction(workerRedis, log)

  const dkim =
    config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY
      ? {
          domainName: config.DKIM_DOMAIN,
          keySelector: config.DKIM_SELECTOR,
          privateKey: config.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n'),
        }
      : undefined
  const transport = createMailTransport(config.SMTP_URL, { dkim })
  const emailQueue = createEmailDeliveryQueue(queueRedis, config.REDIS_PREFIX, {
    attempts: config.EMAIL_ATTEMPTS,
    backoffMs: config.EMAIL_BACKOFF_MS,
  })
  emailQueue.on('error', () => {})

  const deliveryDeps = {
    db,
    transport,
    mailFrom: config.MAIL_FROM,
    appUrl: config.APP_URL,
    claimTimeoutMs: config.OUTBOX_CLAIM_TIMEOUT_MS,
    // Sent marks wait up to 5 ms for half the senders' worth: in a fan-out, a statement and a
    // commit for every 2.5 messages became one for every 4.5 (half the worker's statements),
    // while most senders keep the SMTP pool busy. Queued mail (a confirmation) shares the
    // sender, so its job may end up to 5 ms later in a quiet moment.
    sentMarks: { minBatch: Math.max(1, Math.floor(config.EMAIL_CONCURRENCY / 2)), maxWaitMs: 5 },
  }
  // One sender for both ways mail goes: queued (a job each) and bulk (straight from PostgreSQL).
  const sendClaimed = createEmailSender(deliveryDeps)
  const bulk = startBulkDelivery({
    db,
    openClaimDb: () =>
      createDb(config.DATABASE_URL, {
        max: 1,
        applicationName: 'vigil-worker-bulk-claim',
        settings: BULK_CLAIM_SETTINGS,
      }),
    send: sendClaimed,
    concurrency: config.EMAIL_CONCURRENCY,
    claimTimeoutMs: config.OUTBOX_CLAIM_TIMEOUT_MS,
    attempts: config.EMAIL_ATTEMPTS,
    backoffMs: config.EMAIL_BACKOFF_MS,
    log,
  })
  const emailWorker = new Worker<EmailDeliveryJob>(
    QUEUE_NAMES.emailDelivery,
    createEmailDeliveryProcessor(deliveryDeps, sendClaimed),
    {
      connection: workerRedis,
      prefix: config.REDIS_PREFIX,
      concurrency: config.EMAIL_CONCURRENCY,
      // A job whose worker died is handed to another worker after this long.
      stalledInterval: 15_000,
      maxStalledCount: 5,
    },
  )
  emailWorker.on('error', (error) => log(`worker: email-delivery error: ${error.message}`))
  emailWorker.on('failed', (job, error) => {
    if (job) log(`worker: email ${job.id} attempt ${job.attemptsMade} failed: ${error.message}`)
  })
  // A message held for a paused action goes back to pending, to be enqueued again on resume. Its
  // finished job keeps the row's id, and BullMQ ignores a new job with a known id: remove it, then
  // let the dispatcher enqueue the row afresh (even if it tried, and was ignored, in between).
  emailWorker.on('completed', (job, result: { skipped?: string } | undefined) => {
    const id = job.id
    if (result?.skipped !== 'paused' || !id) return
    removeFinishedJobs(emailQueue, [id])
      .then(() => markOutboxUnqueued(db, id))
      .catch((error: Error) => log(`worker: could not requeue held email ${id}: ${error.message}`))
  })

  const dispatcher = startPump({ db, config, log, emailQueue, wakeBulk: bulk.wake })
  const maintenanceRedis = createRedis(config.REDIS_URL, 'worker')
  const maintenance = await startMaintenance({
    db,
    producer: queueRedis,
    consumer: maintenanceRedis,
    prefix: config.REDIS_PREFIX,
    deadlineCheckMs: config.DEADLINE_CHECK_MS,
    log,
  })
  // After Redis comes back it may have lost queued jobs: re-enqueue every pending row at once.
  let redisWasDown = false
  queueRedis.on('close', () => {
    redisWasDown = true
  })
  queueRedis.on('ready', () => {
    if (!redisWasDown) return
    redisWasDown = false
    log('worker: Redis is back; re-enqueueing pending email')
    dispatcher.sweepAll()
  })

  log(`worker: started (process ${process.pid}, email concurrency ${config.EMAIL_CONCURRENCY})`)

  let closing: Promise<void> | undefined
  return {
    db,
    emailQueue,
    close() {
      closing ??= (async () => {
        await dispatcher.stop()
        await bulk.stop()
        await maintenance.close()
        await emailWorker.close()
        await emailQueue.close()
        transport.close()
        await closeDb(db)
        workerRedis.disconnect()
        queueRedis.disconnect()
        maintenanceRedis.disconnect()
      })()
      return closing
    },
  }
}

/**
 * The worker's pump, woken by NOTIFY from the transactions that write work, and by a poll as a
 * fallback. Each pass: releases rows whose worker died mid-send, schedules letters within their
 * throttles, makes due digests, writes the next batches of update fan-outs, wakes bulk delivery
 * for them, and moves pending transactional outbox rows to BullMQ. Each step fails alone: a
 * broken step never stops the others.
 */
function startPump({
  db,
  config,
  log,
  emailQueue,
  wakeBulk,
}: {
  db: ReturnType<typeof createDb>
  config: WorkerConfig
  log: Log
  emailQueue: ReturnType<typeof createEmailDeliveryQueue>
  wakeBulk: () => void
}) {
  let stopped = false
  let running: Promise<void> | undefined
  let again = false
  let sweepEverything = false
  const failing = new Set<string>()

  const steps: [string, () => Promise<unknown>][] = [
    ['release stale claims', () => releaseStaleClaims(db, config.OUTBOX_CLAIM_TIMEOUT_MS)],
    [
      'schedule letters',
      () => scheduleIndividualLetters(db, { windowSeconds: config.LETTER_THROTTLE_WINDOW_SECONDS }),
    ],
    [
      'make digests',
      () => createDueDigests(db, { periodOverrideSeconds: config.DIGEST_PERIOD_SECONDS }),
    ],
    [
      'fan out updates',
      async () => {
        // A bounded share of each pass, so sending starts while a large fan-out is still written.
        for (let i = 0; i < 20 && !stopped; i++) {
          if ((await fanOutPublishedUpdates(db, { batchSize: config.UPDATE_FANOUT_BATCH })) === 0)
            break
        }
      },
    ],
    [
      'send bulk mail',
      // Bulk delivery claims what it has room for, and goes on by itself while more is due.
      async () => wakeBulk(),
    ],
    [
      'dispatch outbox',
      async () => {
        const requeueEnqueuedBefore = await databaseTimeAgo(
          db,
          sweepEverything ? 0 : config.OUTBOX_REQUEUE_AFTER_MS,
        )
        sweepEverything = false
        let moved: number
        do {
          moved = await dispatchOutbox(db, emailQueue, { requeueEnqueuedBefore })
        } while (moved > 0 && !stopped)
      },
    ],
  ]

  const pass = async () => {
    for (const [name, step] of steps) {
      if (stopped) return
      try {
        await step()
        if (failing.delete(name)) log(`worker: ${name} recovered`)
      } catch (error) {
        // Redis or PostgreSQL unreachable: the work stays in PostgreSQL for the next pass.
        if (!failing.has(name)) log(`worker: ${name} paused: ${describeError(error as Error)}`)
        failing.add(name)
      }
    }
  }

  const run = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = pass().finally(() => {
      running = undefined
      if (again) {
        again = false
        run()
      }
    })
  }

  const timer = setInterval(run, config.OUTBOX_POLL_MS)
  const listening = db.$client.listen(OUTBOX_CHANNEL, run, run).catch((error: Error) => {
    log(`worker: LISTEN failed, polling only: ${error.message}`)
    return undefined
  })

  return {
    sweepAll() {
      sweepEverything = true
      run()
    },
    async stop() {
      stopped = true
      clearInterval(timer)
      await (await listening)?.unlisten()
      await running
    },
  }
}

/** Runs this process's workers until SIGTERM; tells a supervisor `startedMessage` once started. */
export async function runWorkerProcess(env: Env, { startedMessage }: { startedMessage: string }) {
  const workers = await startWorkers(env).catch((error: Error) => {
    if (!(error instanceof RedisPolicyError)) throw error
    console.error(`worker: refusing to start. ${error.message}`)
    process.exit(1)
  })
  process.send?.(startedMessage)
  let signalled = false
  const shutdown = (signal: string) => {
    if (signalled) return
    signalled = true
    console.log(`worker: ${signal} received; finishing in-flight jobs`)
    // BullMQ hands unfinished jobs back if we are killed before this completes.
    const force = setTimeout(() => process.exit(1), 30_000)
    force.unref()
    workers.close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`worker: shutdown failed: ${error.message}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}
