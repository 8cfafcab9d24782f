// The harness side of the load generator. Load runs in a child process (bench/load.ts) so the
// generator never shares an event loop with the harness, the SMTP sink or the server; the job
// goes down and the result comes back over the IPC channel. Every job has a deadline after which
// the child is killed.
import { fork } from 'node:child_process'
import path from 'node:path'
import { projectRoot } from './services.ts'

export type HttpSummary = {
  requests: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  bytes: number
  statuses: Record<string, number>
  errors: number
  timeouts: number
  /** The load process's own CPU per request, where measured: when near one core, it is the bound. */
  clientCpuMs?: number
}

export type LoadJob =
  | { kind: 'get'; url: string; connections: number; seconds: number }
  | {
      kind: 'sign'
      baseUrl: string
      slug: string
      amount: number
      connections: number
      label: string
    }
  | { kind: 'confirm'; baseUrl: string; paths: string[]; connections: number }
  | {
      kind: 'sql'
      databaseUrl: string
      amount: number
      concurrency: number
      poolMax: number
      /** Epoch ms to start at, so the children standing for each web process run together. */
      startAt: number
    }
  | {
      kind: 'mail'
      smtpUrl: string
      count: number
      concurrency: number
      appUrl: string
      /** A real unsubscribe link, as long as those the worker puts in every message. */
      unsubscribeUrl: string
      params: Record<string, unknown>
      /** When to start (epoch ms), so that several such processes start together. */
      startAt?: number
    }
  | {
      kind: 'steady'
      baseUrl: string
      slug: string
      actionId: string
      databaseUrl: string
      seconds: number
      signPerSecond: number
      confirmPerSecond: number
      label: string
    }

export type SignSummary = HttpSummary & { accepted: string[] }
export type SqlSummary = {
  requests: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  errors: number
  startedAt: number
  latencies: number[]
  /** CPU seconds this load process spent on the requests. */
  cpuSeconds: number
}
export type MailSummary = {
  sent: number
  failed: number
  seconds: number
  perSecond: number
  cpuSeconds: number
}
/** One request of the steady load: when it was sent, how long it took, its status (0: no answer). */
export type Outcome = {
  at: number
  ms: number
  status: number
  email?: string
  signatureId?: string
}
export type SteadySummary = { signs: Outcome[]; confirms: Outcome[] }

type ResultOf<J extends LoadJob> = J extends { kind: 'get' | 'confirm' }
  ? HttpSummary
  : J extends { kind: 'sign' }
    ? SignSummary
    : J extends { kind: 'sql' }
      ? SqlSummary
      : J extends { kind: 'mail' }
        ? MailSummary
        : SteadySummary

/**
 * Runs one job in a fresh child process; rejects if it fails or outlives `timeoutMs`. Aborting
 * `signal` asks a steady load to stop early and report what it did.
 */
export function runLoad<J extends LoadJob>(
  job: J,
  {
    timeoutMs,
    env = {},
    signal,
  }: { timeoutMs: number; env?: Record<string, string>; signal?: AbortSignal },
): Promise<ResultOf<J>> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(projectRoot, 'bench', 'load.ts'), [], {
      cwd: projectRoot,
      execArgv: [
        '--import',
        'tsx',
        // `npm run bench -- --profile` profiles the load (and so the limits) too.
        ...(process.env.BENCH_LOAD_PROFILE_DIR
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LOAD_PROFILE_DIR}`]
          : []),
      ],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let settled = false
    const finish = (error: Error | null, value?: ResultOf<J>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      if (error) reject(error)
      else resolve(value!)
    }
    let result: { value: ResultOf<J> } | undefined
    const timer = setTimeout(
      () =>
        // A result already sent counts, even if the child is slow to exit (to write a profile).
        result
          ? finish(null, result.value)
          : finish(new Error(`load job "${job.kind}" did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    )
    child.on('message', (message: { ok: boolean; result?: ResultOf<J>; error?: string }) => {
      if (!message.ok) finish(new Error(`load job "${job.kind}" failed: ${message.error}`))
      // It exits once the result is sent; a profiled child must exit by itself to write its
      // profile, so it is waited for.
      else if (process.env.BENCH_LOAD_PROFILE_DIR) result = { value: message.result! }
      else finish(null, message.result)
    })
    child.on('exit', (code) =>
      result
        ? finish(null, result.value)
        : finish(new Error(`load job "${job.kind}" exited (${code}) without a result`)),
    )
    child.send(job)
    signal?.addEventListener('abort', () => {
      if (child.connected) child.send('stop')
    })
  })
}
