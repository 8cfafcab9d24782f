// The load generator, run as a child of the harnesses (see bench/lib/load-client.ts): it takes
// one job over IPC, runs it, sends the result back and exits. HTTP load is autocannon's; the
// limits (bare SQL, bare SMTP) and the chaos run's steady load are small loops of our own.
import autocannon, { type AutocannonResult } from 'autocannon'
import postgres from 'postgres'
import type {
  HttpSummary,
  LoadJob,
  MailSummary,
  Outcome,
  SignSummary,
  SqlSummary,
  SteadySummary,
} from './lib/load-client.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * autocannon ends a run of a set number of requests at its next one-second sample, and counts
 * that wait in its duration: a run answered in 4.1 s was reported as 5.02 s. Such runs are timed
 * here instead, from the start to the last response.
 */
function responseClock() {
  const started = performance.now()
  let last = started
  return {
    responded: () => {
      last = performance.now()
    },
    seconds: () => (last - started) / 1000,
  }
}

function summarise(result: AutocannonResult, measured?: number): HttpSummary {
  // No response at all: autocannon's own duration, rather than a rate over no time.
  const seconds = measured || result.duration
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  )
  return {
    requests: result.requests.total,
    seconds,
    perSecond: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bytes: result.throughput.total,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** GET one URL for a while; with this process's CPU per request (one core bounds it). */
async function getLoad(job: Extract<LoadJob, { kind: 'get' }>) {
  const before = process.cpuUsage()
  const summary = summarise(
    await autocannon({ url: job.url, connections: job.connections, duration: job.seconds }),
  )
  const cpu = process.cpuUsage(before)
  return { ...summary, clientCpuMs: (cpu.user + cpu.system) / 1000 / summary.requests }
}

/**
 * Signs with a unique address per request, a fixed number of times (a fixed amount, not a
 * duration, so no request is left in flight at the end and the database can be compared with
 * the answers exactly). Returns the addresses whose signature was accepted (303 to check-email).
 */
async function signLoad(job: Extract<LoadJob, { kind: 'sign' }>): Promise<SignSummary> {
  let next = 0
  const accepted: string[] = []
  const clock = responseClock()
  const result = await autocannon({
    url: job.baseUrl,
    connections: job.connections,
    amount: job.amount,
    requests: [
      {
        method: 'POST',
        path: `/actions/${job.slug}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest(request, context) {
          const i = next++
          const email = `${job.label}-${i}@signers.bench`
          // One request at a time per connection: the context carries this request's address
          // to its response.
          context.email = email
          // A surge comes from many people: each request from its own client address (the
          // server trusts one proxy hop here, as it does behind a load balancer).
          request.headers = {
            'content-type': 'application/x-www-form-urlencoded',
            'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          }
          request.body = new URLSearchParams({
            intent: 'sign',
            firstName: 'Ana',
            lastName: `Bench ${i}`,
            email,
            country: 'DE',
            consent: 'on',
          }).toString()
          return request
        },
        onResponse(status, _body, context) {
          clock.responded()
          if (status === 303) accepted.push(context.email as string)
        },
      },
    ],
  })
  return { ...summarise(result, clock.seconds()), accepted }
}

/** POSTs each confirmation link once (the Confirm button). */
async function confirmLoad(job: Extract<LoadJob, { kind: 'confirm' }>) {
  let next = 0
  const clock = responseClock()
  const result = await autocannon({
    url: job.baseUrl,
    connections: job.connections,
    amount: job.paths.length,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest(request) {
          // autocannon builds one request ahead per connection; past the end, repeat the last
          // link (it would only find the signature already confirmed).
          request.path = job.paths[Math.min(next++, job.paths.length - 1)]
          request.body = ''
          return request
        },
        onResponse: clock.responded,
      },
    ],
  })
  return summarise(result, clock.seconds())
}

/**
 * The sign limit: per request, the same number of single-row inserts the sign path makes (two
 * rate-limit hits on their own, then supporter, signature and outbox row in one transaction),
 * straight through postgres.js with the web process's pool size. Starts at `startAt`, so several
 * of these children (one per web process) run together.
 */
async function sqlLoad(job: Extract<LoadJob, { kind: 'sql' }>): Promise<SqlSummary> {
  const sql = postgres(job.databaseUrl, { max: job.poolMax, onnotice: () => {} })
  const insert = (db: postgres.Sql | postgres.TransactionSql, request: number, step: number) =>
    db`insert into bench_bare_inserts (request, step, payload) values (${request}, ${step}, ${'x'.repeat(120)})`
  // Open the pool's connections before the clock starts, as a running web process has them.
  await Promise.all(Array.from({ length: job.poolMax }, () => sql`select 1`))
  await sleep(Math.max(0, job.startAt - Date.now()))
  const latencies: number[] = []
  let errors = 0
  let next = 0
  const started = performance.now()
  const startedAt = Date.now()
  const cpuBefore = process.cpuUsage()
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.amount) {
        const request = next++
        const t0 = performance.now()
        try {
          await insert(sql, request, 1)
          await insert(sql, request, 2)
          await sql.begin(async (tx) => {
            await insert(tx, request, 3)
            await insert(tx, request, 4)
            await insert(tx, request, 5)
          })
          latencies.push(performance.now() - t0)
        } catch {
          errors++
        }
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  await sql.end({ timeout: 5 })
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    startedAt,
    latencies,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }
}

/**
 * The fan-out limit, or one process's share of it: nodemailer's pooled transport (the worker's own
 * transport factory, same pool size) sending the same update email straight to the sink, as many
 * at once as a worker process's EMAIL_CONCURRENCY. Rendered once: the limit is what the transport
 * and the sink can move.
 */
async function mailLoad(job: Extract<LoadJob, { kind: 'mail' }>): Promise<MailSummary> {
  const { createMailTransport, toMailMessage } = await import('#emails/transport.ts')
  const { renderEmail } = await import('#emails/render.ts')
  const transport = createMailTransport(job.smtpUrl)
  const email = renderEmail('action-update', job.params, {
    locale: 'en',
    unsubscribeUrl: job.unsubscribeUrl,
  })
  let next = 0
  let sent = 0
  let failed = 0
  await sleep(Math.max(0, (job.startAt ?? 0) - Date.now()))
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.count) {
        const i = next++
        try {
          await transport.sendMail(
            toMailMessage({
              id: crypto.randomUUID(),
              from: 'Vigil <no-reply@vigil.bench>',
              to: `follower-${i}@followers.example`,
              appUrl: job.appUrl,
              email,
            }),
          )
          sent++
        } catch {
          failed++
        }
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  transport.close()
  return {
    sent,
    failed,
    seconds,
    perSecond: sent / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }
}

/**
 * The chaos run's load: signatures at a steady rate with unique addresses, and confirmations of
 * the signatures it made, each outcome recorded with its time (status 0: no answer, e.g. a
 * refused connection or a timeout). In-flight requests are capped, so an outage cannot pile up
 * unbounded work; what the cap skips is simply not sent.
 */
async function steadyLoad(job: Extract<LoadJob, { kind: 'steady' }>): Promise<SteadySummary> {
  const { createLinkToken } = await import('#app/utils/tokens.server.ts')
  const sql = postgres(job.databaseUrl, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 2,
    idle_timeout: 5,
  })
  const signs: Outcome[] = []
  const confirms: Outcome[] = []
  const attempted = new Set<string>()
  const MAX_IN_FLIGHT = 100
  let inFlight = 0
  // `seconds` is the most it runs: the harness says 'stop' when its faults are over.
  let endAt = Date.now() + job.seconds * 1000
  process.on('message', (message) => {
    if (message === 'stop') endAt = Math.min(endAt, Date.now())
  })

  const post = async (
    path: string,
    body: string,
    record: Outcome[],
    tag: Pick<Outcome, 'email' | 'signatureId'>,
  ) => {
    if (inFlight >= MAX_IN_FLIGHT) return
    inFlight++
    const at = Date.now()
    let status = 0
    try {
      const response = await fetch(`${job.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      })
      status = response.status
      await response.arrayBuffer()
    } catch {
      status = 0
    } finally {
      inFlight--
    }
    record.push({ at, ms: Date.now() - at, status, ...tag })
  }

  let i = 0
  const signing = (async () => {
    const gap = 1000 / job.signPerSecond
    while (Date.now() < endAt) {
      const email = `${job.label}-${i++}@chaos.bench`
      void post(
        `/actions/${job.slug}`,
        new URLSearchParams({
          intent: 'sign',
          firstName: 'Chaos',
          lastName: `Signer ${i}`,
          email,
          country: 'DE',
          consent: 'on',
          follow: 'on',
        }).toString(),
        signs,
        { email },
      )
      await sleep(gap)
    }
  })()

  const confirming = (async () => {
    while (Date.now() < endAt) {
      const second = Date.now()
      let ids: string[] = []
      try {
        const rows = await sql<{ id: string }[]>`
          select s.id from signatures s join supporters p on p.id = s.supporter_id
          where s.action_id = ${job.actionId} and s.status = 'pending'
            and p.email like ${`${job.label}-%`}
          order by s.created_at limit ${job.confirmPerSecond * 3}`
        ids = rows.map((row) => row.id).filter((id) => !attempted.has(id))
      } catch {
        // PostgreSQL is down: nothing to confirm this second.
      }
      for (const id of ids.slice(0, job.confirmPerSecond)) {
        attempted.add(id)
        const token = await createLinkToken('confirm-signature', { sid: id })
        void post(`/confirm/${token}`, '', confirms, { signatureId: id })
        await sleep(1000 / job.confirmPerSecond)
      }
      await sleep(Math.max(0, 1000 - (Date.now() - second)))
    }
  })()

  await Promise.all([signing, confirming])
  // Let the last requests finish (each has a 15 s timeout).
  const deadline = Date.now() + 20_000
  while (inFlight > 0 && Date.now() < deadline) await sleep(50)
  await sql.end({ timeout: 2 })
  return { signs, confirms }
}

async function run(job: LoadJob) {
  switch (job.kind) {
    case 'get':
      return getLoad(job)
    case 'sign':
      return signLoad(job)
    case 'confirm':
      return confirmLoad(job)
    case 'sql':
      return sqlLoad(job)
    case 'mail':
      return mailLoad(job)
    case 'steady':
      return steadyLoad(job)
  }
}

// The harness went away (killed, interrupted): stop generating load at once.
process.once('disconnect', () => process.exit(1))

process.once('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (error: Error) =>
      process.send!({ ok: false, error: error.stack ?? error.message }, () => process.exit(1)),
  )
})
