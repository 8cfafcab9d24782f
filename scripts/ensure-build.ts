// Builds the app when there is no build or its sources changed since the last one, so that what
// runs the production server and worker (the bench, chaos, the browser tests, the page-cache
// tests) runs the working tree's code.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Newest modification time of a file, or of any file under a directory. */
function newestMtime(file: string): number {
  const stat = fs.statSync(file)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of fs.readdirSync(file))
    newest = Math.max(newest, newestMtime(path.join(file, entry)))
  return newest
}

/**
 * What `npm run build` makes, from the project's root: the Remix app, and the server and worker
 * compiled to JavaScript (what `npm start` and `npm run worker` run).
 */
export const BUILT = {
  app: 'build/index.js',
  server: 'build/node/server.js',
  worker: 'build/node/worker.js',
}

/** Node's arguments for a compiled entry point, as the `start` and `worker` scripts pass them. */
export const BUILT_NODE_ARGS = ['--enable-source-maps']

/** What the build is made from, and how. */
const SOURCES = [
  'app',
  'db',
  'emails',
  'jobs',
  'server.ts',
  'remix.config.js',
  'scripts/build-node.ts',
  'tsconfig.json',
  'package.json',
]

/** Builds when asked to (`always`), when there is no build, or when a source is newer than it. */
export function ensureBuild({ always }: { always: boolean }) {
  const built = Object.values(BUILT).map((file) => path.join(projectRoot, file))
  const newestSource = Math.max(
    ...SOURCES.map((source) => newestMtime(path.join(projectRoot, source))),
  )
  const stale = built.some(
    (file) => !fs.existsSync(file) || fs.statSync(file).mtimeMs < newestSource,
  )
  if (!always && !stale) return { built: false }
  const started = Date.now()
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: projectRoot,
    // The production build, whatever the caller runs under (vitest sets NODE_ENV=test).
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 5 * 60_000,
  })
  if (result.status !== 0) {
    throw new Error(`npm run build failed:\n${(result.stdout ?? '') + (result.stderr ?? '')}`)
  }
  return { built: true, seconds: (Date.now() - started) / 1000 }
}
