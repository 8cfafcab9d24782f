// One web process: Express in front of the Remix request handler, so every request gets a CSP
// nonce and a client IP the app can rate-limit on. Two requests a surge brings by the thousand are
// answered before Express, with the same headers: cached public pages, and the action page's
// form. Started by server.ts, the program, in each process that serves (not in a supervisor).
import crypto from 'node:crypto'
import http from 'node:http'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import {
  broadcastDevReady,
  createRequestHandler as createFetchRequestHandler,
  type AppLoadContext,
  type ServerBuild,
} from '@remix-run/node'
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from 'express'
import proxyaddr from 'proxy-addr'
import type { submitSupporterForm } from '#app/models/supporter-form.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { initEnv } from '#app/utils/env.server.ts'
import { negotiateLocale } from '#app/utils/i18n.ts'
import { fetchHeaders } from '#app/utils/node-http.server.ts'
import {
  CACHEABLE_PAGE_PATHS,
  CACHEABLE_PAGE_URL,
  createPageCache,
  freshPagesCookie,
  pageCacheKey,
  type PageCache,
  type ServedPage,
} from '#app/utils/page-cache.server.ts'
import { securityHeaders } from '#app/utils/security-headers.server.ts'
import { createSupporterFormFastPath } from '#app/utils/supporter-form-fast-path.server.ts'

const env = initEnv()

/** Runs one web process, serving the Remix build under `root`, the project's folder. */
export async function serve(root: string) {
  const buildPath = path.join(root, 'build', 'index.js')
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild
  // Remix's own handler, for requests answered before Express (cache misses, forms' other outcomes).
  const handle = createFetchRequestHandler(build, env.NODE_ENV)
  const cacheSeconds = env.PAGE_CACHE_SECONDS ?? (env.NODE_ENV === 'development' ? 0 : 2)
  // Whoever just changed something (signed, confirmed, saved) sees the live pages for a moment.
  const freshCookie =
    cacheSeconds > 0
      ? freshPagesCookie({ cacheSeconds, secure: env.APP_URL.startsWith('https:') })
      : undefined

  const app = express()
  app.disable('x-powered-by')
  // Every page carries a nonce of its own, so an ETag could never match: skip hashing each body.
  app.set('etag', false)
  // Behind a reverse proxy, set TRUST_PROXY so the client IP comes from X-Forwarded-For.
  if (env.TRUST_PROXY !== undefined) app.set('trust proxy', env.TRUST_PROXY)

  app.use(
    '/build',
    express.static(path.join(root, 'public', 'build'), { immutable: true, maxAge: '1y' }),
  )

  app.use((req, res, next) => {
    const nonce = newNonce()
    res.locals.cspNonce = nonce
    const devMailFrame = env.NODE_ENV === 'development' && req.path.startsWith('/dev/mail-html/')
    for (const [name, value] of securityHeaders({ nonce, devMailFrame, strictTransport })) {
      res.setHeader(name, value)
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

  const getLoadContext = (req: ExpressRequest, res: ExpressResponse) => ({
    cspNonce: res.locals.cspNonce as string,
    clientIp: req.ip ?? req.socket.remoteAddress ?? '',
  })
  if (freshCookie) {
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') res.append('Set-Cookie', freshCookie)
      next()
    })
  }
  // Before the public folder's files: a cached page is cheaper to send than a disk lookup.
  const cache =
    cacheSeconds > 0
      ? servePublicPagesFromCache(app, handle, cacheSeconds, getLoadContext)
      : undefined
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h' }))
  app.all('*', createRequestHandler({ build, mode: env.NODE_ENV, getLoadContext }))

  // The form's code from the build, the very module the route runs (one signature writer).
  const { submitSupporterForm: submit } = build.entry.module as typeof build.entry.module & {
    submitSupporterForm?: typeof submitSupporterForm
  }
  if (typeof submit !== 'function') {
    throw new Error(
      'web: the build has no submitSupporterForm (built from older code?): run `npm run build`',
    )
  }
  const takeSupporterForm = createSupporterFormFastPath({
    submit,
    render: handle,
    appUrl: env.APP_URL,
    // As Express's req.ip, with the general path's fallback (no address once the socket is gone).
    clientIp: (req) =>
      (proxyaddr(req, app.get('trust proxy fn') as (address: string) => boolean) as
        string | undefined) ??
      req.socket.remoteAddress ??
      '',
    newNonce,
    answerHeaders: (nonce) => {
      const headers = securityHeaders({ nonce, strictTransport })
      if (freshCookie) headers.push(['Set-Cookie', freshCookie])
      return headers
    },
    mode: env.NODE_ENV,
  })

  const server = http.createServer((req, res) => {
    if (cache && sendCachedPage(cache, req, res)) return
    if (takeSupporterForm(req, res)) return
    app(req, res)
  })
  server.listen(env.PORT, () => {
    console.log(`web: listening on http://localhost:${env.PORT} (process ${process.pid})`)
    if (env.NODE_ENV === 'development') void broadcastDevReady(build)
  })

  const shutdown = () => server.close(() => process.exit(0))
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}

const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding'])
const strictTransport = env.NODE_ENV === 'production' && env.APP_URL.startsWith('https:')
// Nonces come from a pool of random bytes drawn 8 KiB at a time: one call into the CSPRNG per 512
// requests instead of one each (it was a fifth of a cached page's cost). Each nonce still has
// its own 16 fresh random bytes, never reused.
const NONCE_BYTES = 16
let noncePool = Buffer.alloc(0)
let nonceOffset = 0
function newNonce() {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = crypto.randomBytes(NONCE_BYTES * 512)
    nonceOffset = 0
  }
  nonceOffset += NONCE_BYTES
  return noncePool.toString('base64', nonceOffset - NONCE_BYTES, nonceOffset)
}

/**
 * A surge's hot path, before Express: a visitor without cookies asking for a public page that is
 * in the cache gets it here, with the headers the Express middleware would have set and a nonce
 * of their own. Everything else (a miss, a cookie, another path) returns false and goes through
 * Express, which renders and fills the cache. Express's router, request decoration and header
 * calls cost several times what sending the copy does.
 */
function sendCachedPage(cache: PageCache, req: http.IncomingMessage, res: http.ServerResponse) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false
  if (req.headers.cookie || !req.url || !CACHEABLE_PAGE_URL.test(req.url)) return false
  const nonce = newNonce()
  const key = pageCacheKey(negotiateLocale(req.headers['accept-language']), req.url)
  const page = cache.hit(key, nonce)
  if (!page) return false
  const headers = [...securityHeaders({ nonce, strictTransport }), ...page.headers]
  headers.push(['Content-Length', String(page.length)])
  res.writeHead(page.status, headers.flat())
  sendBody(req, res, page)
  return true
}

/** Writes a served page's parts as they are, in one go (corked: one writev, no joined copy). */
function sendBody(req: http.IncomingMessage, res: http.ServerResponse, page: ServedPage) {
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  res.cork()
  for (const chunk of page.chunks) res.write(chunk)
  res.end()
}

/**
 * Public pages for visitors without cookies come from a per-process micro-cache (see
 * app/utils/page-cache.server.ts). A change staff make to what those pages show is announced by
 * PostgreSQL (migration 0005) and empties it; counts may lag by the cache's lifetime.
 */
function servePublicPagesFromCache(
  app: express.Express,
  handle: (request: Request, context: AppLoadContext) => Promise<Response>,
  seconds: number,
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext,
) {
  const cache = createPageCache({ ttlMs: seconds * 1000 })
  // Missed notifications (a reconnect after a PostgreSQL restart) empty it too.
  void getDb()
    .$client.listen(
      'public_pages_changed',
      () => cache.clear(),
      () => cache.clear(),
    )
    .catch((error: Error) => console.error(`web: page cache listener: ${error.message}`))

  app.get(CACHEABLE_PAGE_PATHS, (req, res, next) => {
    if (req.headers.cookie) return next()
    const nonce = res.locals.cspNonce as string
    const key = pageCacheKey(negotiateLocale(req.get('accept-language')), req.originalUrl)
    cache
      .serve(key, nonce, async () => {
        const url = new URL(req.originalUrl, env.APP_URL)
        const request = new Request(url, { headers: fetchHeaders(req) })
        const response = await handle(request, getLoadContext(req, res))
        return {
          status: response.status,
          // The length changes with each visitor's nonce: set when sent.
          headers: [...response.headers].filter(([name]) => !FRAMING_HEADERS.has(name)),
          body: await response.text(),
        }
      })
      .then((page) => {
        res.status(page.status)
        for (const [name, value] of page.headers) res.append(name, value)
        res.setHeader('Content-Length', page.length)
        sendBody(req, res, page)
      }, next)
  })
  return cache
}
