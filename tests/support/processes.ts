// Real processes for integration tests: the platform's own worker entry, and redis-servers the
// tests may stop and start to simulate outages.
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { freePort, waitFor } from './ports.ts'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// Node itself with tsx as a loader: one process, so a signal (SIGKILL included) reaches the
// program and not a wrapper that would leave it running.
const node = process.execPath
const TSX_LOADER = ['--import', 'tsx']

/** A Redis key prefix of this test's own, so parallel files never see each other's jobs. */
export function uniqueRedisPrefix() {
  return `vigil-test-${crypto.randomBytes(6).toString('hex')}`
}

export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Deletes every key under a prefix; tests call it when they finish. */
export async function deleteRedisPrefix(url: string, prefix: string) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/** Whether a process (by id) is still running. */
export function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export type RunningProcess = {
  child: ChildProcess
  output: () => string
  waitForOutput: (text: string | RegExp, timeoutMs?: number) => Promise<void>
  exited: Promise<number | null>
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
) {
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  // Once its output is all read too ('exit' can come before the last of it).
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  )
  const running: RunningProcess = {
    child,
    output: () => output,
    waitForOutput: (text, timeoutMs = 30_000) =>
      waitFor(() => (typeof text === 'string' ? output.includes(text) : text.test(output)), {
        timeoutMs,
        what: `output ${String(text)} from ${path.basename(args[0] ?? command)}; got:\n${output}`,
      }).then(() => undefined),
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
  return running
}

/**
 * The process's exit code, or 'still running after N s' when it has not exited by then: for a
 * process expected to stop by itself (a supervisor whose process cannot start), which a fault
 * would keep running for ever.
 */
export async function exitCodeWithin(running: RunningProcess, ms: number) {
  let giveUp: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      running.exited,
      new Promise<string>((resolve) => {
        giveUp = setTimeout(() => resolve(`still running after ${ms / 1000} s`), ms)
      }),
    ])
  } finally {
    clearTimeout(giveUp)
  }
}

export type WorkerEnv = {
  DATABASE_URL: string
  REDIS_URL: string
  REDIS_PREFIX: string
  SMTP_URL: string
} & Record<string, string>

/** Runs the real worker entry (`npm run worker`'s code) with the given configuration. */
export async function startWorkerProcess(env: WorkerEnv, { waitUntilStarted = true } = {}) {
  const worker = startProcess(node, [...TSX_LOADER, 'jobs/worker.ts'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: 'https://vigil.test',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0000',
    OUTBOX_POLL_MS: '200',
    ...env,
  })
  if (waitUntilStarted) await worker.waitForOutput('worker: started')
  return worker
}

/**
 * Runs the production web server (server.ts, as `npm start` runs it compiled, with the built app)
 * on a free port against the given database; through tsx, so that tests run the sources. The
 * integration global setup builds the app first.
 */
export async function startWebProcess(
  env: { DATABASE_URL: string } & Record<string, string>,
  { waitUntilListening = true } = {},
) {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const url = `http://127.0.0.1:${port}`
  const web = startProcess(node, [...TSX_LOADER, 'server.ts'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    REDIS_URL: SHARED_REDIS_URL,
    // Nothing is sent from a web request (the outbox is), so no relay needs to answer here.
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: url,
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0000',
    PORT: String(port),
    ...env,
  })
  if (waitUntilListening) await web.waitForOutput('web: listening', 60_000)
  return Object.assign(web, { url })
}

/** A redis-server of the test's own, on a free port, that the test may stop and restart. */
export async function startRedisServer({
  port,
  policy = 'noeviction',
}: { port?: number; policy?: string } = {}) {
  const chosen = port ?? (await freePort())
  const server = startProcess(
    'redis-server',
    [
      '--port',
      String(chosen),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      policy,
    ],
    { PATH: process.env.PATH },
  )
  await server.waitForOutput('Ready to accept connections', 10_000)
  return { port: chosen, url: `redis://127.0.0.1:${chosen}`, stop: () => server.stop('SIGTERM') }
}
