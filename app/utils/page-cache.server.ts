// A micro-cache of whole public pages, kept in each web process for a second or two. Under a surge
// thousands of people open the same action page each second, and rendering it (React, route
// matching) costs a hundred times what sending it does. Only visitors without cookies are served
// from it (staff, and anyone who has just signed, carry a cookie and always see the page live).
//
// Each page is sent with a nonce of its own, never one shared between visitors: the first render
// used its request's random nonce, and every later copy has that nonce replaced by the new
// request's. The old nonce was drawn after the page's content was written, so nothing else in
// the page can contain it.
import { serialize as serializeCookie } from 'cookie'

export type RenderedPage = {
  status: number
  headers: [string, string][]
  body: string
}

/**
 * What a visitor is sent: the body as its parts around the visitor's nonce, written one after
 * the other (`length` bytes in all). Joining them copied the whole page for every request, and
 * that copy and its garbage were a quarter of a hit's cost.
 */
export type ServedPage = {
  status: number
  headers: [string, string][]
  chunks: Buffer[]
  length: number
}

// Kept as bytes: encoding a 30 KB page to UTF-8 for each visitor was a fifth of serving it.
type Entry = {
  status: number
  headers: [string, string][]
  parts: Buffer[]
  partsLength: number
  expiresAt: number
}

export type PageCacheOptions = {
  ttlMs: number
  /** Distinct URLs kept at once; the oldest go first (search queries make URLs unbounded). */
  maxEntries?: number
  now?: () => number
}

/** Whether a rendered page may be shared with other visitors. */
function isShareable(page: RenderedPage) {
  if (page.status !== 200) return false
  const names = page.headers.map(([name]) => name.toLowerCase())
  if (names.includes('set-cookie')) return false
  const type = page.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? ''
  return type.startsWith('text/html') || type.startsWith('application/json')
}

export function createPageCache({ ttlMs, maxEntries = 500, now = Date.now }: PageCacheOptions) {
  const entries = new Map<string, Entry>()
  // One render per key at a time: a surge on a cold page waits for the render already running.
  const rendering = new Map<string, Promise<Entry | RenderedPage>>()

  function fresh(key: string) {
    const entry = entries.get(key)
    if (entry && entry.expiresAt > now()) return entry
    if (entry) entries.delete(key)
    return undefined
  }

  function withNonce(entry: Entry, nonce: string): ServedPage {
    const separator = Buffer.from(nonce)
    const chunks = entry.parts.flatMap((part, i) => (i === 0 ? [part] : [separator, part]))
    const length = entry.partsLength + separator.length * (entry.parts.length - 1)
    return { status: entry.status, headers: entry.headers, chunks, length }
  }

  const asServed = (page: RenderedPage): ServedPage => {
    const body = Buffer.from(page.body)
    return { status: page.status, headers: page.headers, chunks: [body], length: body.length }
  }

  return {
    /** A fresh copy for `key` sent with `nonce`, or nothing: for callers that cannot render. */
    hit(key: string, nonce: string): ServedPage | undefined {
      const cached = fresh(key)
      return cached && nonce ? withNonce(cached, nonce) : undefined
    },
    /**
     * The page for `key`, sent with `nonce`: from the cache when a copy is fresh, else from
     * `render`, which must render with that same nonce.
     */
    async serve(
      key: string,
      nonce: string,
      render: () => Promise<RenderedPage>,
    ): Promise<ServedPage> {
      // Without a nonce to find again, a copy could not be told apart per visitor.
      if (!nonce) return asServed(await render())
      const cached = fresh(key)
      if (cached) return withNonce(cached, nonce)
      const running = rendering.get(key)
      if (running) {
        const result = await running
        // Not shareable (an error page, say): this visitor gets a render of their own.
        return 'parts' in result ? withNonce(result, nonce) : asServed(await render())
      }
      const started = (async (): Promise<Entry | RenderedPage> => {
        const page = await render()
        if (!isShareable(page)) return page
        const parts = page.body.split(nonce).map((part) => Buffer.from(part))
        const entry = {
          status: page.status,
          headers: page.headers,
          parts,
          partsLength: parts.reduce((sum, part) => sum + part.length, 0),
          expiresAt: now() + ttlMs,
        }
        entries.delete(key)
        entries.set(key, entry)
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
        return entry
      })()
      rendering.set(key, started)
      try {
        const result = await started
        return 'parts' in result ? withNonce(result, nonce) : asServed(result)
      } finally {
        rendering.delete(key)
      }
    },
    /** Drops every copy: what the pages show has changed. */
    clear() {
      entries.clear()
    },
    get size() {
      return entries.size
    },
  }
}

export type PageCache = ReturnType<typeof createPageCache>

/** Public pages worth keeping: the home page, the list and each action's page. */
export const CACHEABLE_PAGE_PATHS = ['/', '/actions', '/actions/:slug']
/** The same paths as a test on a raw request URL (query string allowed), for the fast path. */
export const CACHEABLE_PAGE_URL = /^\/(?:actions(?:\/[^/?#]+)?\/?)?(?:\?|$)/i

/** The cache's key: pages differ by language and URL, nothing else (no cookies are sent). */
export const pageCacheKey = (locale: string, url: string) => `${locale} ${url}`

/** The cookie a state-changing response sets, so its sender reads their own write at once. */
export const FRESH_PAGES_COOKIE = 'vigil_fresh'

/** FRESH_PAGES_COOKIE's Set-Cookie header: it outlives the cache's copies by a second. */
export function freshPagesCookie({
  cacheSeconds,
  secure,
}: {
  cacheSeconds: number
  secure: boolean
}) {
  return serializeCookie(FRESH_PAGES_COOKIE, '1', {
    maxAge: cacheSeconds + 1,
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
  })
}
