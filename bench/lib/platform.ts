// The platform as it runs in production: `server.ts` (one web process per core, sharing the port)
// and `jobs/worker.ts` (WORKER_PROCESSES of them), each run compiled, as `npm start` and
// `npm run worker` run them (see ensureBuild), against the harness's own database, Redis prefix
// and SMTP sink.
import os from 'node:os'
import path from 'node:path'
import { BUILT, BUILT_NODE_ARGS } from '#scripts/ensure-build.ts'
import { projectRoot, spawnProcess } from './services.ts'

export type PlatformConfig = {
  databaseUrl: string
  redisUrl: string
  redisPrefix: string
  smtpUrl: string
  port: number
  sessionSecret: string
  webProcesses?: number
  /** Worker processes (WORKER_PROCESSES); one unless set. */
  workerProcesses?: number
  /** Extra variables for both processes (e.g. rate limits). */
  env?: Record<string, string>
  /** Extra variables for the worker only (e.g. a short claim timeout). */
  workerEnv?: Record<string, string>
  echo?: boolean
  /** A directory for V8 CPU profiles of every web and worker process (written when they exit). */
  profileDir?: string
}

function nodeArgs(config: PlatformConfig) {
  return config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`] : []
}

/** Node's arguments to run a compiled entry point (BUILT), as the package scripts do. */
function builtArgs(config: PlatformConfig, file: string) {
  return [...nodeArgs(config), ...BUILT_NODE_ARGS, path.join(projectRoot, file)]
}

export function platformEnv(config: PlatformConfig): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    SMTP_URL: config.smtpUrl,
    MAIL_FROM: 'Vigil <no-reply@vigil.bench>',
    APP_URL: `http://127.0.0.1:${config.port}`,
    SESSION_SECRET: config.sessionSecret,
    PORT: String(config.port),
    ...config.env,
  }
}

export function cpuCount() {
  return os.availableParallelism?.() ?? os.cpus().length
}

export async function startWeb(config: PlatformConfig) {
  const processes = config.webProcesses ?? cpuCount()
  const web = spawnProcess(
    process.execPath,
    builtArgs(config, BUILT.server),
    { ...platformEnv(config), WEB_CONCURRENCY: String(processes) },
    { label: 'web', echo: config.echo },
  )
  // Each web process says so when it listens; the primary of a cluster does not listen itself.
  await web.waitForOutput('web: listening', 60_000, processes)
  return web
}

export async function startWorker(config: PlatformConfig) {
  const processes = config.workerProcesses ?? 1
  const worker = spawnProcess(
    process.execPath,
    builtArgs(config, BUILT.worker),
    { ...platformEnv(config), WORKER_PROCESSES: String(processes), ...config.workerEnv },
    { label: 'worker', echo: config.echo },
  )
  await worker.waitForOutput('worker: started', 60_000, processes)
  return worker
}

export { ensureBuild } from '#scripts/ensure-build.ts'
