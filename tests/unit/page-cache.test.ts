import { describe, expect, test } from 'vitest'
import {
  createPageCache,
  type RenderedPage,
  type ServedPage,
  CACHEABLE_PAGE_URL,
} from '#app/utils/page-cache.server.ts'

const html = (nonce: string, text = 'Free Amara') =>
  `<html><script nonce="${nonce}">1</script><p>${text}</p><script nonce="${nonce}">2</script></html>`

function page(body: string, init: Partial<RenderedPage> = {}): RenderedPage {
  return { status: 200, headers: [['content-type', 'text/html; charset=utf-8']], body, ...init }
}

/** The body a visitor receives, checked against the Content-Length the server sends with it. */
function bodyOf(served: ServedPage) {
  const body = Buffer.concat(served.chunks)
  expect(body.length).toBe(served.length)
  return body.toString()
}

/** A renderer that counts its calls and renders with the nonce it is given. */
function renderer(make: (nonce: string) => RenderedPage = (nonce) => page(html(nonce))) {
  let calls = 0
  return {
    for: (nonce: string) => async () => {
      calls++
      return make(nonce)
    },
    calls: () => calls,
  }
}

describe('the public page cache', () => {
  test('serves a fresh copy without rendering again, with each visitor’s own nonce', async () => {
    const cache = createPageCache({ ttlMs: 2000 })
    const render = renderer()
    const first = await cache.serve('en /actions/a', 'nonceA', render.for('nonceA'))
    const second = await cache.serve('en /actions/a', 'nonceB', render.for('nonceB'))
    expect(render.calls()).toBe(1)
    expect(bodyOf(first)).toBe(html('nonceA'))
    expect(bodyOf(second)).toBe(html('nonceB'))
    expect(bodyOf(second)).not.toContain('nonceA')
    expect(second.headers).toEqual(first.headers)
  })

  test('a copy of a page in any script is sent with its exact length in bytes', async () => {
    const cache = createPageCache({ ttlMs: 2000 })
    const text = 'Libérez Amara — свобода ✊ 释放'
    const render = renderer((nonce) => page(html(nonce, text)))
    await cache.serve('fr /actions/a', 'nonceA', render.for('nonceA'))
    const copy = cache.hit('fr /actions/a', 'nonce-longer-than-the-first')!
    expect(bodyOf(copy)).toBe(html('nonce-longer-than-the-first', text))
  })

  test('renders again once the copy is older than its lifetime', async () => {
    let now = 1000
    const cache = createPageCache({ ttlMs: 2000, now: () => now })
    let text = 'one signature'
    const render = renderer((nonce) => page(html(nonce, text)))
    await cache.serve('k', 'n1', render.for('n1'))
    text = 'two signatures'
    now += 1999
    expect(bodyOf(await cache.serve('k', 'n2', render.for('n2')))).toContain('one signature')
    now += 1
    expect(bodyOf(await cache.serve('k', 'n3', render.for('n3')))).toContain('two signatures')
    expect(render.calls()).toBe(2)
  })

  test('a surge on a cold page waits for one render instead of starting its own', async () => {
    const cache = createPageCache({ ttlMs: 2000 })
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let calls = 0
    const slow = (nonce: string) => async () => {
      calls++
      await gate
      return page(html(nonce))
    }
    const visitors = Array.from({ length: 50 }, (_, i) => cache.serve('k', `n${i}`, slow(`n${i}`)))
    release()
    const pages = await Promise.all(visitors)
    expect(calls).toBe(1)
    pages.forEach((p, i) => expect(bodyOf(p)).toBe(html(`n${i}`)))
  })

  test('never keeps an error page, a page that sets a cookie, or a download', async () => {
    const cache = createPageCache({ ttlMs: 2000 })
    const kinds: RenderedPage[] = [
      page('Not found', { status: 404 }),
      page(html('n'), { status: 500 }),
      page(html('n'), {
        headers: [
          ['content-type', 'text/html'],
          ['set-cookie', 'session=1'],
        ],
      }),
      page('a,b', { headers: [['content-type', 'text/csv']] }),
    ]
    for (const [i, kind] of kinds.entries()) {
      const render = renderer(() => kind)
      await cache.serve(`k${i}`, 'n', render.for('n'))
      await cache.serve(`k${i}`, 'n', render.for('n'))
      expect(render.calls()).toBe(2)
    }
    expect(cache.size).toBe(0)
  })

  test('keeps at most the given number of pages, dropping the oldest', async () => {
    const cache = createPageCache({ ttlMs: 60_000, maxEntries: 3 })
    const render = renderer()
    for (const q of ['a', 'b', 'c', 'd']) await cache.serve(`/actions?q=${q}`, 'n', render.for('n'))
    expect(cache.size).toBe(3)
    await cache.serve('/actions?q=a', 'n', render.for('n'))
    expect(render.calls()).toBe(5)
    await cache.serve('/actions?q=d', 'n', render.for('n'))
    expect(render.calls()).toBe(5)
  })

  test('a request without a nonce is rendered for itself and never kept', async () => {
    const cache = createPageCache({ ttlMs: 60_000 })
    const render = renderer(() => page('<p>Free Amara</p>'))
    const served = await cache.serve('k', '', render.for(''))
    expect(bodyOf(served)).toBe('<p>Free Amara</p>')
    await cache.serve('k', '', render.for(''))
    expect(render.calls()).toBe(2)
    expect(cache.size).toBe(0)
  })

  test('clearing drops every copy at once', async () => {
    const cache = createPageCache({ ttlMs: 60_000 })
    const render = renderer()
    await cache.serve('a', 'n', render.for('n'))
    await cache.serve('b', 'n', render.for('n'))
    cache.clear()
    await cache.serve('a', 'n', render.for('n'))
    expect(render.calls()).toBe(3)
  })
})

describe('which raw URLs the fast path may answer from memory', () => {
  test('the home page, the list (with its filters) and an action page', () => {
    for (const url of [
      '/',
      '/?x=1',
      '/actions',
      '/actions/',
      '/actions?q=lawyer&country=TR',
      '/actions/free-ana',
      '/actions/free-ana?utm=x',
    ])
      expect(CACHEABLE_PAGE_URL.test(url), url).toBe(true)
  })
  test('nothing deeper, nothing else', () => {
    for (const url of [
      '/admin',
      '/actions/free-ana/thank-you',
      '/actions/free-ana/check-email',
      '/actionsx',
      '/build/app.js',
      '/media/x.jpg',
      '//actions',
    ])
      expect(CACHEABLE_PAGE_URL.test(url), url).toBe(false)
  })
})
