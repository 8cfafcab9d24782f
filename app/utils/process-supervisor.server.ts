import cluster, { type Worker } from 'node:cluster'

export type SupervisorOptions = {
  /** What the processes are, in the log: "web", "worker". */
  name: string
  count: number
  /**
   * How a process shows that it started: its server listens, or it sends this message. Until
   * then, its exit means it cannot start (a bad build, a bad setting).
   */
  startedWhen: 'listening' | { message: string }
  /** How long the processes get to finish once asked to stop; then the supervisor exits, 1. */
  stopTimeoutMs: number
}

/**
 * Runs `count` processes of this program (node:cluster), for WEB_CONCURRENCY and
 * WORKER_PROCESSES. One that dies after it started is replaced, a second later, so a process
 * that crashes at once again does not spin the CPU. One that dies before it started stops them
 * all, exit 1: starting another would fail the same way, for ever. SIGTERM or SIGINT stops them
 * all: exit 0 once every one has ended cleanly. Should the supervisor itself be killed, its
 * processes exit at once (node:cluster's way), so none is left running unsupervised.
 */
export function superviseProcesses({ name, count, startedWhen, stopTimeoutMs }: SupervisorOptions) {
  const started = new Set<number>()
  // Tracked here: cluster.workers may still list a process that has exited.
  const running = new Map<number, Worker>()
  let stopping = false
  let exitCode = 0
  const fork = () => {
    const worker = cluster.fork()
    running.set(worker.id, worker)
  }
  const stopAll = (code: number) => {
    exitCode = Math.max(exitCode, code)
    if (!stopping) {
      stopping = true
      for (const worker of running.values()) worker.process.kill('SIGTERM')
      setTimeout(() => process.exit(1), stopTimeoutMs).unref()
    }
    if (running.size === 0) process.exit(exitCode)
  }
  if (startedWhen === 'listening') cluster.on('listening', (worker) => started.add(worker.id))
  else
    cluster.on('message', (worker, message) => {
      if (message === startedWhen.message) started.add(worker.id)
    })
  cluster.on('exit', (worker, code, signal) => {
    running.delete(worker.id)
    const how = signal ?? code
    // A process still starting when asked to stop has no handler yet: SIGTERM ends it, cleanly.
    if (stopping) return stopAll(code === 0 || signal === 'SIGTERM' ? 0 : 1)
    if (!started.has(worker.id)) {
      console.error(`${name}: process ${worker.process.pid} failed to start (${how}); stopping`)
      return stopAll(1)
    }
    console.error(`${name}: process ${worker.process.pid} exited (${how}); starting another`)
    setTimeout(() => stopping || fork(), 1000)
  })
  for (let i = 0; i < count; i++) fork()
  process.on('SIGTERM', () => stopAll(0))
  process.on('SIGINT', () => stopAll(0))
}
