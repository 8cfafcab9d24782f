// The web server (`npm start`; `npm run dev` runs it with tsx, rebuilt on change): serves the app
// (app/web-server.server.ts), or, with WEB_CONCURRENCY > 1, supervises that many processes that
// do, sharing the port. A supervisor loads none of the app's modules: it only forks.
// `npm run build` compiles it to JavaScript (build/node/server.js), which spares each process
// tsx's loader and its memory.
import cluster from 'node:cluster'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { initEnv } from '#app/utils/env.server.ts'
import { superviseProcesses } from '#app/utils/process-supervisor.server.ts'

// A bad setting stops the program here, before any process is forked.
initEnv()
// The project's folder: this file's, or two up when it runs compiled from build/node/ (npm start).
const here = path.dirname(fileURLToPath(import.meta.url))
const compiled = path.basename(here) === 'node' && path.basename(path.dirname(here)) === 'build'
const root = compiled ? path.resolve(here, '../..') : here

// WEB_CONCURRENCY > 1 runs that many web processes sharing the port (e.g. one per core).
const processes = Number(process.env.WEB_CONCURRENCY ?? 1)
if (cluster.isPrimary && processes > 1) {
  // A process has started once it listens. Each finishes its requests when stopped (serve()).
  superviseProcesses({
    name: 'web',
    count: processes,
    startedWhen: 'listening',
    stopTimeoutMs: 10_000,
  })
} else {
  const { serve } = await import('#app/web-server.server.ts')
  await serve(root)
}
