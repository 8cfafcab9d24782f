// Compiles the server and the worker to JavaScript for production (`npm run build`), so that
// `npm start` and `npm run worker` run them with plain node: tsx's loader, a thread with a V8
// heap of its own, cost each process about 35 MB. Application code is bundled; packages stay in
// node_modules, loaded by node at run time, except JSON data files (a country list), which
// node's ESM loader only takes with an import attribute that the TypeScript sources do not write.
import fs from 'node:fs'
import { build } from 'esbuild'

// Chunks are named by their content's hash: last build's would pile up beside this one's.
fs.rmSync('build/node', { recursive: true, force: true })

await build({
  entryPoints: ['server.ts', 'jobs/worker.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'build/node',
  entryNames: '[name]',
  // The web server's and the worker's programs load what a process runs only once they know it
  // serves or works (import()): a supervisor of several processes loads none of it. Splitting
  // puts what is loaded that way in chunks of its own.
  splitting: true,
  logLevel: 'warning',
  // Stack traces name the TypeScript sources (node runs these with --enable-source-maps).
  sourcemap: true,
  plugins: [
    {
      name: 'packages-stay-external',
      setup(build) {
        // A package or node builtin: not relative, absolute or one of package.json's #imports.
        build.onResolve({ filter: /^[^./#]/ }, ({ path }) =>
          path.endsWith('.json') ? undefined : { external: true },
        )
      },
    },
  ],
})
