// The worker program (`npm run worker`): runs the delivery engine (jobs/worker-process.ts), or,
// with WORKER_PROCESSES > 1, supervises that many processes that do. A supervisor loads none of
// the engine's modules: it only forks.
import cluster from 'node:cluster'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { initEnv } from '#app/utils/env.server.ts'
import { superviseProcesses } from '#app/utils/process-supervisor.server.ts'

/** Run as a program, not imported (by tests); argv[1] may reach this file through a symlink. */
function runAsProgram() {
  try {
    return fs.realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}

// What a worker process tells the supervisor once it runs (see superviseProcesses).
const STARTED = 'vigil-worker-started'

if (runAsProgram()) {
  const env = initEnv()
  // WORKER_PROCESSES > 1: one per core, say. A process sends on one thread, which a fan-out keeps
  // busy (nodemailer's work on each message), so a second core otherwise sits half idle. Claims
  // (SKIP LOCKED) and the pump's advisory locks let several share the work. Each gives itself
  // 30 s to finish (runWorkerProcess); a supervisor killed outright leaves each as if killed: up
  // to its EMAIL_CONCURRENCY sent twice.
  if (cluster.isPrimary && env.WORKER_PROCESSES > 1)
    superviseProcesses({
      name: 'worker',
      count: env.WORKER_PROCESSES,
      startedWhen: { message: STARTED },
      stopTimeoutMs: 35_000,
    })
  else {
    const { runWorkerProcess } = await import('./worker-process.ts')
    await runWorkerProcess(env, { startedMessage: STARTED })
  }
}
