// `npm run chaos [-- --short]`
//
// Starts its own PostgreSQL (embedded, data under .data/chaos-<timestamp>, removed afterwards) and
// redis-server (persistence off) on free ports, so it may kill them; runs the web server and a
// worker against them; puts the platform under a steady signing and confirming load from a child
// process, with updates fanning out to followers; and meanwhile, one after another: kills the
// worker with SIGKILL and starts another, restarts Redis (it comes back empty), restarts
// PostgreSQL, and makes the SMTP sink refuse (421) for a while. Then it waits for the outbox to
// drain and checks the invariants: every signature answered with success is stored, every
// confirmation answered with success is confirmed, every counter equals its confirmed rows, every
// outbox message was delivered, and duplicates stay under their bound. Exits 1 when one breaks.
import { execSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { migrateDatabase } from '#db/migrate.ts'
import { addFollowers, counterMismatches, createBenchAction, publishUpdate } from './lib/data.ts'
import { runLoad, type Outcome } from './lib/load-client.ts'
import { cpuCount, ensureBuild, platformEnv, startWeb, startWorker } from './lib/platform.ts'
import { formatInvariants, writeResults, type Invariant } from './lib/report.ts'
import {
  databaseUrl,
  freePort,
  projectRoot,
  randomSecret,
  removeDirectory,
  sleep,
  startEmbeddedPostgres,
  startRedisServer,
  timestampLabel,
  waitFor,
  type Spawned,
} from './lib/services.ts'
import { startSmtpSink } from './lib/smtp-sink.ts'

const { values: options } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    echo: { type: 'boolean', default: false },
  },
})
const short = options.short

// Seconds. The first fault comes `firstFaultAt` after the load starts, each next one `gapSeconds`
// after the previous one is over (however long that took: PostgreSQL's shutdown has taken 30 s),
// and the load stops `tailSeconds` after the last, or at `maxLoadSeconds`. The short version keeps
// every fault, closer together.
const plan = short
  ? {
      maxLoadSeconds: 150,
      signPerSecond: 15,
      confirmPerSecond: 8,
      followers: 1_000,
      firstFaultAt: 6,
      gapSeconds: 6,
      refuseSmtpSeconds: 10,
      tailSeconds: 10,
      drainTimeoutMs: 75_000,
    }
  : {
      maxLoadSeconds: 300,
      signPerSecond: 25,
      confirmPerSecond: 12,
      followers: 5_000,
      firstFaultAt: 15,
      gapSeconds: 20,
      refuseSmtpSeconds: 30,
      tailSeconds: 30,
      drainTimeoutMs: 240_000,
    }
// Outages last this long before the service comes back.
const DOWN_MS = 3000
const EMAIL_CONCURRENCY = 10
// After a fault ends, errors are still counted as the fault's for this long (reconnections).
const RECOVERY_GRACE_MS = 15_000
// PostgreSQL's fast shutdown takes about a second; see the invariant.
const POSTGRES_STOP_BOUND_MS = 10_000

const startedAt = new Date()
const label = timestampLabel(startedAt)
const dataDir = path.join(projectRoot, '.data', `chaos-${label}`)
const log = (message: string) =>
  console.log(
    `chaos [${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${message}`,
  )

type Fault = {
  name: string
  start: number
  end: number
  signs?: number
  failed5xx?: number
  /** Of those, the 503s that gave the signer the form back to send again. */
  failed503?: number
  noAnswer?: number
  /** How long the unanswered requests took to fail: the quickest and the slowest. */
  noAnswerMs?: [number, number]
  signRecoveryMs?: number | null
  deliveryRecoveryMs?: number | null
  /** SMTP commands the sink refused during the fault. */
  refusals?: number
}

const invariants: Invariant[] = []
const faults: Fault[] = []
/** Processes that died without being told to, and what they said last. */
const crashes: { process: string; at: number | null; code: number | null; lastWords: string }[] = []
let worker: Spawned | undefined
// Every worker started, the killed ones too: their logs explain a broken invariant.
const workers: Spawned[] = []
let web: Spawned | undefined
let postgresOutput: () => string = () => ''
let postgresStopMs: number | null = null

function check(name: string, ok: boolean, detail: string) {
  invariants.push({ name, ok, detail })
  log(`${ok ? 'ok' : 'BROKEN'}: ${name}: ${detail}`)
}

async function main() {
  log(`${short ? 'short' : 'full'} run; data in ${path.relative(projectRoot, dataDir)}`)
  const build = ensureBuild({ always: false })
  if (build.built) log(`built the app in ${build.seconds!.toFixed(0)} s`)

  const pg = await startEmbeddedPostgres({ dir: dataDir, port: await freePort() })
  cleanups.push(async () => pg.stop())
  postgresOutput = pg.output
  const redis = await startRedisServer({ port: await freePort() })
  cleanups.push(() => redis.stop())
  const sink = await startSmtpSink({ port: await freePort() })
  cleanups.push(() => sink.close())
  try {
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} })
    await admin`create database vigil_chaos`
    await admin.end()
    const url = databaseUrl(pg.adminUrl, 'vigil_chaos')
    await migrateDatabase(url)
    log(`PostgreSQL on ${pg.port}, Redis on ${redis.port}, SMTP sink on ${sink.port}`)

    const config = {
      databaseUrl: url,
      redisUrl: redis.url,
      redisPrefix: 'vigil-chaos',
      smtpUrl: sink.url,
      port: await freePort(),
      sessionSecret: randomSecret(),
      webProcesses: cpuCount(),
      echo: options.echo,
      env: { RATE_LIMIT_SIGN_PER_IP: '1000000000', RATE_LIMIT_SIGN_PER_EMAIL: '1000000000' },
      workerEnv: {
        EMAIL_CONCURRENCY: String(EMAIL_CONCURRENCY),
        // Short enough to recover within the run: a dead worker's claims, a lost job.
        OUTBOX_CLAIM_TIMEOUT_MS: '10000',
        OUTBOX_REQUEUE_AFTER_MS: '15000',
        OUTBOX_POLL_MS: '500',
      },
    }
    Object.assign(process.env, platformEnv(config))
    // A pool that rides out the PostgreSQL restart: it is not used while the server is down.
    const sql = postgres(url, { max: 2, onnotice: () => {}, idle_timeout: 2 })
    cleanups.unshift(() => sql.end({ timeout: 2 }))

    // Letters go out at once (throttle lifted), so every confirmation's letter is an outbox
    // message to deliver before the run ends.
    const action = await createBenchAction(sql, {
      slug: 'chaos',
      throttlePerHour: 1_000_000,
      authorities: 1,
    })
    await addFollowers(sql, action.id, plan.followers, 'chaos-follower')

    web = await startWeb(config)
    cleanups.unshift(async () => web?.stop())
    // Like a process manager in production: a worker that dies on its own is recorded as a crash
    // and started again. (The one this harness kills is replaced by the fault itself.)
    let supervising = true
    let killing = false
    const superviseWorker = (current: Spawned) => {
      void current.exited.then(async (code) => {
        if (!supervising || killing || current !== worker) return
        const lastWords = current.output().trim().split('\n').slice(-8).join('\n')
        crashes.push({ process: 'worker', at: Date.now(), code, lastWords })
        log(`the worker died on its own (exit ${code}); starting another:\n${lastWords}`)
        await sleep(1000)
        if (!supervising) return
        try {
          worker = await startWorker(config)
          workers.push(worker)
          superviseWorker(worker)
        } catch (error) {
          // Delivery then never resumes, and the invariants say so.
          log(`could not start another worker: ${(error as Error).message}`)
        }
      })
    }
    worker = await startWorker(config)
    workers.push(worker)
    superviseWorker(worker)
    cleanups.unshift(async () => {
      supervising = false
      await worker?.stop('SIGTERM', 10_000)
    })
    log(`platform up on port ${config.port}`)

    // What the sink accepts over time, to see when delivery resumes after each fault.
    const accepted: [number, number][] = []
    const sampler = setInterval(() => accepted.push([Date.now(), sink.accepted()]), 200)
    cleanups.unshift(async () => clearInterval(sampler))

    const stopLoad = new AbortController()
    const load = runLoad(
      {
        kind: 'steady',
        baseUrl: `http://127.0.0.1:${config.port}`,
        slug: action.slug,
        actionId: action.id,
        databaseUrl: url,
        seconds: plan.maxLoadSeconds,
        signPerSecond: plan.signPerSecond,
        confirmPerSecond: plan.confirmPerSecond,
        label: 'chaos',
      },
      { timeoutMs: plan.maxLoadSeconds * 1000 + 60_000, signal: stopLoad.signal },
    )
    await publishUpdate(sql, action.id, 'First update under load')
    log(`load started; update 1 fanning out to ${plan.followers} followers`)

    await sleep(plan.firstFaultAt * 1000)
    let fault: Fault = { name: 'worker SIGKILL + restart', start: Date.now(), end: 0 }
    log('SIGKILL the worker')
    killing = true
    worker.child.kill('SIGKILL')
    await worker.exited
    await sleep(DOWN_MS)
    worker = await startWorker(config)
    workers.push(worker)
    killing = false
    superviseWorker(worker)
    fault.end = Date.now()
    faults.push(fault)
    log('worker restarted')

    await sleep(plan.gapSeconds * 1000)
    fault = { name: 'Redis restart (comes back empty)', start: Date.now(), end: 0 }
    log('stopping Redis')
    await redis.stop()
    await sleep(DOWN_MS)
    await redis.start()
    fault.end = Date.now()
    faults.push(fault)
    log('Redis back, empty')

    await sleep((plan.gapSeconds - 3) * 1000)
    await publishUpdate(sql, action.id, 'Second update, before the database restarts')
    await sleep(3000)
    fault = { name: 'PostgreSQL restart', start: Date.now(), end: 0 }
    log('stopping PostgreSQL')
    // A shutdown that takes long (30 s has been seen) is waiting on some child: name them.
    const slowStop = setInterval(() => {
      try {
        const children = execSync(
          `ps -o pid,etimes,stat,args --ppid "$(pgrep -of 'postgres -D ${dataDir}')"`,
        ).toString()
        log(`PostgreSQL still stopping; its processes:\n${children}`)
      } catch {
        // The postmaster exited between the check and ps.
      }
    }, 5000)
    await pg.stop()
    clearInterval(slowStop)
    postgresStopMs = Date.now() - fault.start
    log(`PostgreSQL stopped in ${(postgresStopMs / 1000).toFixed(1)} s`)
    await sleep(DOWN_MS)
    const starting = Date.now()
    await pg.start()
    log(`PostgreSQL started in ${((Date.now() - starting) / 1000).toFixed(1)} s`)
    fault.end = Date.now()
    faults.push(fault)
    log('PostgreSQL back')

    await sleep((plan.gapSeconds - 3) * 1000)
    await publishUpdate(sql, action.id, 'Third update, before the relay refuses')
    await sleep(3000)
    fault = {
      name: `SMTP refuses (421) for ${plan.refuseSmtpSeconds} s`,
      start: Date.now(),
      end: 0,
    }
    log('SMTP sink refusing')
    sink.setRefusing(true)
    await sleep(plan.refuseSmtpSeconds * 1000)
    sink.setRefusing(false)
    fault.end = Date.now()
    fault.refusals = sink.refused()
    faults.push(fault)
    log('SMTP sink accepting again')

    await sleep(plan.tailSeconds * 1000)
    stopLoad.abort()
    const { signs, confirms } = await load
    log(`load done: ${signs.length} sign requests, ${confirms.length} confirmations`)

    const drainStart = Date.now()
    try {
      await waitFor(
        async () => {
          const [open] = await sql<{ outbox: number; letters: number; fanouts: number }[]>`
            select (select count(*) from email_outbox where status in ('pending', 'sending'))::int as outbox,
                   (select count(*) from letters where status = 'queued')::int as letters,
                   (select count(*) from action_updates where fanout_completed_at is null
                      and published_at is not null)::int as fanouts`
          return open!.outbox === 0 && open!.letters === 0 && open!.fanouts === 0
        },
        { timeoutMs: plan.drainTimeoutMs, intervalMs: 500, what: 'the outbox to drain' },
      )
      log(`outbox drained ${((Date.now() - drainStart) / 1000).toFixed(1)} s after the load`)
    } catch (error) {
      log((error as Error).message)
    }
    await sleep(1000)

    describeFaults(signs, accepted)
    await checkInvariants(sql, action.id, signs, confirms, sink)
    return { signs: signs.length, confirms: confirms.length, timeline: timeline(signs) }
  } finally {
    await cleanUp()
  }
}

/** What was started, newest first: stopped at the end, or when the run is interrupted. */
const cleanups: (() => Promise<unknown>)[] = []
let cleaning: Promise<void> | undefined
function cleanUp() {
  cleaning ??= (async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => {})
    removeDirectory(dataDir)
  })()
  return cleaning
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping what this run started`)
    void cleanUp().finally(() => process.exit(130))
  })
}

const succeeded = (outcome: Outcome) => outcome.status >= 200 && outcome.status < 400

/**
 * The fault a request's failure belongs to: the one it was sent during (or in the grace after), or
 * else the first that began while it waited. A request sent while PostgreSQL restarted that hangs
 * until its timeout belongs to the restart, not to whatever fault comes next.
 */
function faultOf(outcome: Outcome) {
  const done = outcome.at + outcome.ms
  const near = (fault: Fault) => outcome.at <= fault.end + RECOVERY_GRACE_MS
  return (
    faults.findLast((fault) => fault.start <= outcome.at && near(fault)) ??
    faults.find((fault) => fault.start <= done && near(fault))
  )
}

/** Errors during each fault, and how long after it the platform answered and delivered again. */
function describeFaults(signs: Outcome[], accepted: [number, number][]) {
  for (const fault of faults) {
    fault.signs = signs.filter((s) => s.at <= fault.end && s.at + s.ms >= fault.start).length
    const failed = signs.filter((s) => !succeeded(s) && faultOf(s) === fault)
    fault.failed5xx = failed.filter((s) => s.status >= 500).length
    fault.failed503 = failed.filter((s) => s.status === 503).length
    const unanswered = failed.filter((s) => s.status === 0)
    fault.noAnswer = unanswered.length
    // A connection refused or cut fails at once; a request that hung fails at the 15 s timeout.
    fault.noAnswerMs = unanswered.length
      ? [Math.min(...unanswered.map((s) => s.ms)), Math.max(...unanswered.map((s) => s.ms))]
      : undefined
    const firstOk = signs
      .filter((s) => succeeded(s) && s.at + s.ms >= fault.end)
      .reduce((min, s) => Math.min(min, s.at + s.ms), Infinity)
    fault.signRecoveryMs = Number.isFinite(firstOk) ? firstOk - fault.end : null
    const before = accepted.findLast(([t]) => t <= fault.end)?.[1] ?? 0
    const resumed = accepted.find(([t, n]) => t >= fault.end && n > before)
    fault.deliveryRecoveryMs = resumed ? resumed[0] - fault.end : null
  }
}

/** Sign outcomes per second of the run, for the results file. */
function timeline(signs: Outcome[]) {
  const seconds = new Map<
    number,
    { ok: number; failed5xx: number; noAnswer: number; other: number }
  >()
  for (const s of signs) {
    const second = Math.floor((s.at - startedAt.getTime()) / 1000)
    const bucket = seconds.get(second) ?? { ok: 0, failed5xx: 0, noAnswer: 0, other: 0 }
    if (succeeded(s)) bucket.ok++
    else if (s.status >= 500) bucket.failed5xx++
    else if (s.status === 0) bucket.noAnswer++
    else bucket.other++
    seconds.set(second, bucket)
  }
  return [...seconds].sort(([a], [b]) => a - b).map(([second, counts]) => ({ second, ...counts }))
}

async function checkInvariants(
  sql: postgres.Sql,
  actionId: string,
  signs: Outcome[],
  confirms: Outcome[],
  sink: Awaited<ReturnType<typeof startSmtpSink>>,
) {
  const acceptedEmails = signs.filter(succeeded).map((s) => s.email!)
  const [stored] = await sql<{ n: number }[]>`
    select count(*)::int as n from signatures s join supporters p on p.id = s.supporter_id
    where s.action_id = ${actionId} and p.email = any(${acceptedEmails})`
  check(
    'every signature answered with success is stored',
    stored!.n === acceptedEmails.length,
    `${acceptedEmails.length} answered 303, ${stored!.n} of them stored`,
  )

  const confirmedIds = confirms.filter(succeeded).map((c) => c.signatureId!)
  const [confirmed] = await sql<{ n: number }[]>`
    select count(*)::int as n from signatures where id = any(${confirmedIds}::uuid[]) and status = 'confirmed'`
  check(
    'every confirmation answered with success is confirmed',
    confirmed!.n === confirmedIds.length,
    `${confirmedIds.length} answered 303, ${confirmed!.n} confirmed`,
  )

  const mismatches = await counterMismatches(sql)
  check(
    'every counter equals its confirmed rows',
    mismatches.length === 0,
    mismatches.length === 0 ? 'all agree' : JSON.stringify(mismatches),
  )

  const rows = await sql<{ id: string; status: string }[]>`select id, status from email_outbox`
  const notSent = rows.filter((row) => row.status !== 'sent')
  const missing = rows.filter((row) => row.status === 'sent' && !sink.has(row.id))
  const [queuedLetters] = await sql<{ n: number }[]>`
    select count(*)::int as n from letters where status = 'queued'`
  check(
    'every outbox message was delivered',
    notSent.length === 0 && missing.length === 0 && queuedLetters!.n === 0,
    `${rows.length} messages: ${rows.length - notSent.length} sent, ${notSent.length} not sent ` +
      `(${summarise(notSent.map((row) => row.status))}), ${missing.length} marked sent but never ` +
      `received, ${queuedLetters!.n} letters still queued`,
  )

  // A fault can interrupt at most EMAIL_CONCURRENCY sends of each kind (queued, bulk) between
  // the relay's "250 OK" and the row being marked sent: a worker killed then, Redis or
  // PostgreSQL going away then. Those are sent again (at least once); nothing else may be.
  const interruptions = faults.filter((fault) => !fault.name.startsWith('SMTP')).length
  const inFlight = 2 * EMAIL_CONCURRENCY
  const bound = inFlight * interruptions
  const duplicates = sink.snapshot().duplicates
  check(
    `duplicates delivered within the bound (${inFlight} in flight x ${interruptions} interruptions = ${bound})`,
    duplicates <= bound,
    `${duplicates} duplicate deliveries of ${sink.distinct()} messages`,
  )

  // The web server itself never goes down here: whatever fails behind it, a signer gets an answer
  // (a 503 with the form to send again, at worst after SIGN_WRITE_DEADLINE_MS), never silence.
  const unanswered = signs.filter((s) => s.status === 0)
  const unansweredConfirms = confirms.filter((c) => c.status === 0)
  check(
    'every sign request was answered',
    unanswered.length === 0,
    `${unanswered.length} of ${signs.length} sign requests got no answer` +
      (unanswered.length
        ? ` (after ${summarise(unanswered.map((s) => `${(s.ms / 1000).toFixed(0)} s`))})`
        : '') +
      `; ${unansweredConfirms.length} of ${confirms.length} confirmations got none`,
  )

  const outside = signs.filter((s) => !succeeded(s) && !faultOf(s))
  check(
    'no sign request failed outside a fault',
    outside.length === 0,
    `${outside.length} failed outside the fault windows (${summarise(outside.map((s) => String(s.status)))})`,
  )
  // The web server's cluster primary replaces a child that dies, and says so.
  for (const match of web?.output().matchAll(/web: process (\d+) exited \(([^)]*)\)/g) ?? []) {
    const before = web!.output().slice(0, match.index)
    crashes.push({
      process: `web process ${match[1]}`,
      at: null,
      code: Number(match[2]) || null,
      lastWords: before.split('\n').slice(-12).join('\n'),
    })
  }
  const describeCrash = (crash: (typeof crashes)[number]) => {
    const when = crash.at ? ` at ${((crash.at - startedAt.getTime()) / 1000).toFixed(0)} s` : ''
    const lines = crash.lastWords.split('\n')
    const cause = lines.findLast((line) => /^\w*Error\b/.test(line)) ?? lines.at(-1)
    return `${crash.process} exited (${crash.code})${when}: ${cause}`
  }
  // A fast shutdown ends every session at once and is done in about a second, unless a client
  // holds a connection open without a word: postgres.js 3.4.9 did, after a reconnect whose
  // startup message it never sent (patches/postgres+3.4.9.patch), and PostgreSQL waited 30 s.
  check(
    `PostgreSQL's fast shutdown is not held up by our connections (at most ${POSTGRES_STOP_BOUND_MS / 1000} s)`,
    postgresStopMs !== null && postgresStopMs <= POSTGRES_STOP_BOUND_MS,
    postgresStopMs === null ? 'not stopped' : `stopped in ${(postgresStopMs / 1000).toFixed(1)} s`,
  )
  check(
    'no process died on its own',
    crashes.length === 0,
    crashes.length === 0 ? 'none' : crashes.map(describeCrash).join('; '),
  )
  for (const fault of faults) {
    check(
      `recovered after: ${fault.name}`,
      fault.signRecoveryMs !== null && fault.deliveryRecoveryMs !== null,
      `signing answered again after ${formatMs(fault.signRecoveryMs)}, delivery resumed after ${formatMs(fault.deliveryRecoveryMs)}`,
    )
  }
}

function summarise(values: string[]) {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].map(([value, n]) => `${value}: ${n}`).join(', ') || 'none'
}

function formatMs(ms: number | null | undefined) {
  if (ms === null || ms === undefined) return 'never'
  return ms <= 0 ? '0 s (no interruption)' : `${(ms / 1000).toFixed(1)} s`
}

function faultTable() {
  const header = [
    'fault',
    'at s',
    'lasted s',
    'sign requests',
    '5xx',
    'no answer',
    'signing back after',
    'delivery back after',
  ]
  const lines = faults.map((fault) => [
    fault.name,
    ((fault.start - startedAt.getTime()) / 1000).toFixed(0),
    ((fault.end - fault.start) / 1000).toFixed(1),
    String(fault.signs ?? '-'),
    fault.failed5xx
      ? `${fault.failed5xx} (${fault.failed503} 503)`
      : String(fault.failed5xx ?? '-'),
    fault.noAnswerMs
      ? `${fault.noAnswer} (in ${(fault.noAnswerMs[0] / 1000).toFixed(1)}-${(fault.noAnswerMs[1] / 1000).toFixed(1)} s)`
      : String(fault.noAnswer ?? '-'),
    formatMs(fault.signRecoveryMs),
    formatMs(fault.deliveryRecoveryMs),
  ])
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((l) => l[i]!.length)))
  const render = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [
    render(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...lines.map(render),
  ].join('\n')
}

let failure: Error | undefined
let totals: Awaited<ReturnType<typeof main>> | undefined
try {
  totals = await main()
} catch (error) {
  failure = error as Error
  console.error(`\nchaos: the harness failed: ${failure.stack ?? failure.message}`)
  if (web) console.error(`\n--- web output (tail)\n${web.output().slice(-3000)}`)
  if (worker) console.error(`\n--- worker output (tail)\n${worker.output().slice(-3000)}`)
} finally {
  if (fs.existsSync(dataDir)) removeDirectory(dataDir)
}
// The processes' own logs, for the story behind the figures (bench/results/*.log is ignored).
const logFile = path.join(projectRoot, 'bench', 'results', `chaos-${label}.log`)
fs.writeFileSync(
  logFile,
  [
    `--- web\n${web?.output() ?? ''}`,
    ...workers.map((w, i) => `--- worker ${i + 1}\n${w.output()}`),
    `--- postgres\n${postgresOutput()}`,
  ].join('\n'),
)
const seconds = (Date.now() - startedAt.getTime()) / 1000
console.log(`\nVigil chaos, ${short ? 'short' : 'full'} run, ${label}\n`)
console.log(faultTable())
console.log(`\nInvariants:\n${formatInvariants(invariants)}`)
const file = writeResults(`chaos-${label}`, {
  startedAt: startedAt.toISOString(),
  seconds,
  mode: short ? 'short' : 'full',
  plan,
  totals,
  faults,
  crashes,
  invariants,
  failure: failure?.message,
})
console.log(
  `\nWrote ${file} and the processes' logs to ${path.relative(projectRoot, logFile)} (${seconds.toFixed(0)} s in all).`,
)
process.exit(failure || invariants.some((check) => !check.ok) ? 1 : 0)
