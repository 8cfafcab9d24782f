// The worker process: starts every queue's worker and the outbox dispatcher, and shuts down
// gracefully on SIGTERM (in-flight jobs finish; anything unfinished stays in PostgreSQL).
import { fileURLToPath } from 'node:url'
import { Worker } from 'bullmq'
import { initEnv, type Env } from '#app/utils/env.server.ts'
import { closeDb, createDb } from '#db/client.ts'
import { createMailTransport } from '#emails/transport.ts'
import { assertNoEviction, createRedis, RedisPolicyError } from './connection.ts'
import { databaseTimeAgo, dispatchOutbox, OUTBOX_CHANNEL, releaseStaleClaims } from './outbox.ts'
import { createEmailDeliveryQueue, QUEUE_NAMES, type EmailDeliveryJob } from './queues.ts'
import { createEmailDeliveryProcessor } from './workers/email-delivery.ts'

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

  const transport = createMailTransport(config.SMTP_URL)
  const emailQueue = createEmailDeliveryQueue(queueRedis, config.REDIS_PREFIX)
  emailQueue.on('error', () => {})

  const emailWorker = new Worker<EmailDeliveryJob>(
    QUEUE_NAMES.emailDelivery,
    createEmailDeliveryProcessor({
      db,
      transport,
      mailFrom: config.MAIL_FROM,
      appUrl: config.APP_URL,
      claimTimeoutMs: config.OUTBOX_CLAIM_TIMEOUT_MS,
    }),
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

  const dispatcher = startOutboxDispatcher({ db, config, log, emailQueue })
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

  log(`worker: started (email concurrency ${config.EMAIL_CONCURRENCY})`)

  let closing: Promise<void> | undefined
  return {
    db,
    emailQueue,
    close() {
      closing ??= (async () => {
        await dispatcher.stop()
        await emailWorker.close()
        await emailQueue.close()
        transport.close()
        await closeDb(db)
        workerRedis.disconnect()
        queueRedis.disconnect()
      })()
      return closing
    },
  }
}

/**
 * Moves pending outbox rows to BullMQ: woken by NOTIFY from the transaction that wrote them, and
 * by a poll as a fallback. Each pass also releases rows whose worker died mid-send.
 */
function startOutboxDispatcher({
  db,
  config,
  log,
  emailQueue,
}: {
  db: ReturnType<typeof createDb>
  config: WorkerConfig
  log: Log
  emailQueue: ReturnType<typeof createEmailDeliveryQueue>
}) {
  let stopped = false
  let running: Promise<void> | undefined
  let again = false
  let sweepEverything = false
  let failing = false

  const pass = async () => {
    const requeueEnqueuedBefore = await databaseTimeAgo(
      db,
      sweepEverything ? 0 : config.OUTBOX_REQUEUE_AFTER_MS,
    )
    sweepEverything = false
    await releaseStaleClaims(db, config.OUTBOX_CLAIM_TIMEOUT_MS)
    let moved: number
    do {
      moved = await dispatchOutbox(db, emailQueue, { requeueEnqueuedBefore })
    } while (moved > 0 && !stopped)
  }

  const run = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = pass()
      .then(() => {
        if (failing) log('worker: outbox dispatch recovered')
        failing = false
      })
      .catch((error: Error) => {
        // Redis or PostgreSQL unreachable: rows stay pending and the next pass tries again.
        if (!failing) log(`worker: outbox dispatch paused: ${describeError(error)}`)
        failing = true
      })
      .finally(() => {
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = initEnv()
  const workers = await startWorkers(env).catch((error: Error) => {
    if (!(error instanceof RedisPolicyError)) throw error
    console.error(`worker: refusing to start. ${error.message}`)
    process.exit(1)
  })
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
