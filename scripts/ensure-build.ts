// Builds the Remix app when there is no build or app/ changed since the last one, so that what
// runs the production server (the bench, chaos, the page-cache tests) runs the working tree's code.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Newest modification time of any file under a directory. */
function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs)
  }
  return newest
}

/** Builds when asked to (`always`), when there is no build, or when app/ is newer than it. */
export function ensureBuild({ always }: { always: boolean }) {
  const built = path.join(projectRoot, 'build', 'index.js')
  const stale =
    !fs.existsSync(built) || fs.statSync(built).mtimeMs < newestMtime(path.join(projectRoot, 'app'))
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
