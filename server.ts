// The web server: Express in front of the Remix request handler, so every request gets a CSP
// nonce and a client IP the app can rate-limit on. Run by `npm start` and, rebuilt on change,
// by `npm run dev`.
import cluster from 'node:cluster'
import crypto from 'node:crypto'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import { broadcastDevReady, type ServerBuild } from '@remix-run/node'
import express from 'express'
import { initEnv } from '#app/utils/env.server.ts'
import { contentSecurityPolicy, devMailFramePolicy } from '#app/utils/security-headers.server.ts'

const env = initEnv()
const root = path.dirname(fileURLToPath(import.meta.url))

// WEB_CONCURRENCY > 1 runs that many web processes sharing the port (e.g. one per core).
const processes = Number(process.env.WEB_CONCURRENCY ?? 1)
if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork()
  cluster.on('exit', (worker, code, signal) => {
    if (!shuttingDown) {
      console.error(
        `web: process ${worker.process.pid} exited (${signal ?? code}); starting another`,
      )
      cluster.fork()
    }
  })
  let shuttingDown = false
  const stopAll = () => {
    shuttingDown = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM')
    setTimeout(() => process.exit(0), 10_000).unref()
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
    })
  }
  process.on('SIGTERM', stopAll)
  process.on('SIGINT', stopAll)
} else {
  await serve()
}

async function serve() {
  const buildPath = path.join(root, 'build', 'index.js')
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild

  const app = express()
  app.disable('x-powered-by')
  // Behind a reverse proxy, set TRUST_PROXY so the client IP comes from X-Forwarded-For.
  if (process.env.TRUST_PROXY) app.set('trust proxy', process.env.TRUST_PROXY)

  app.use(
    '/build',
    express.static(path.join(root, 'public', 'build'), { immutable: true, maxAge: '1y' }),
  )
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h' }))

  app.use((req, res, next) => {
    const nonce = crypto.randomBytes(16).toString('base64')
    res.locals.cspNonce = nonce
    const devMailFrame = env.NODE_ENV === 'development' && req.path.startsWith('/dev/mail-html/')
    res.setHeader(
      'Content-Security-Policy',
      devMailFrame ? devMailFramePolicy : contentSecurityPolicy(nonce),
    )
    res.setHeader('Referrer-Policy', 'same-origin')
    res.setHeader('X-Content-Type-Options', 'nosniff')
    if (!devMailFrame) res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader(
      'Permissions-Policy',
      'camera=(), microphone=(), geolocation=(), interest-cohort=()',
    )
    if (env.NODE_ENV === 'production' && env.APP_URL.startsWith('https:')) {
      res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    }
    next()
  })

  // Browsers send Origin with every cross-site POST: refuse state changes from other sites. Requests
  // without Origin (mail clients' one-click unsubscribe, server-to-server calls) carry no cookies
  // of ours to abuse.
  const appOrigin = new URL(env.APP_URL).origin
  app.use((req, res, next) => {
    const origin = req.get('origin')
    if (req.method !== 'GET' && req.method !== 'HEAD' && origin && origin !== appOrigin) {
      res.status(403).type('text/plain').send('Cross-site request refused.')
      return
    }
    next()
  })

  app.all(
    '*',
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? '',
      }),
    }),
  )

  const server = app.listen(env.PORT, () => {
    console.log(`web: listening on http://localhost:${env.PORT}`)
    if (env.NODE_ENV === 'development') void broadcastDevReady(build)
  })

  const shutdown = () => server.close(() => process.exit(0))
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}
