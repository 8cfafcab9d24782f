// An action's public page as a browser, a link preview or a share button receives it from the
// production server: who to write to and the letter, the meta that makes a shared link preview
// well, plain share links, and nothing loaded from anyone else.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { startWebProcess } from '#tests/support/processes.ts'

let t: TestDatabase
let web: Awaited<ReturnType<typeof startWebProcess>>
let html: string
let pageUrl: string

const decode = (value: string) =>
  value.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#x27;', "'")

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'actionpage')
  const action = await createAction(t.db, {
    title: 'Trade unionist held incommunicado',
    summary: 'Imani Testperson has been held without access to a lawyer since 3 May.',
  })
  web = await startWebProcess({ DATABASE_URL: t.url })
  pageUrl = `${web.url}/actions/${action.slug}`
  const response = await fetch(pageUrl)
  expect(response.status).toBe(200)
  html = await response.text()
}, 180_000)

afterAll(async () => {
  await web?.stop()
  await t?.drop()
})

function meta(attribute: 'property' | 'name', key: string) {
  const tag = html.match(new RegExp(`<meta ${attribute}="${key}" content="([^"]*)"`))
  return tag ? decode(tag[1]!) : undefined
}

const links = () => [...html.matchAll(/<a href="([^"]+)"([^>]*)>/g)].map((m) => decode(m[1]!))

describe('the public action page', () => {
  test('names the authorities to write to and previews the letter in their words', () => {
    expect(html).toContain('Amos Fictional')
    expect(html).toContain('Minister of Justice')
    expect(html).toContain('Dear Minister')
    expect(html).toContain('Please release Imani Testperson.')
  })

  test('carries Open Graph and Twitter meta, so a shared link previews with the case', () => {
    expect(meta('property', 'og:title')).toBe('Trade unionist held incommunicado')
    expect(meta('property', 'og:description')).toBe(
      'Imani Testperson has been held without access to a lawyer since 3 May.',
    )
    expect(meta('property', 'og:url')).toBe(pageUrl)
    expect(meta('property', 'og:type')).toBe('article')
    expect(meta('name', 'twitter:card')).toBe('summary')
    expect(meta('name', 'twitter:title')).toBe('Trade unionist held incommunicado')
  })

  test('offers plain share links for email, WhatsApp, Telegram, X and Facebook, and the link to copy', () => {
    const encoded = encodeURIComponent(pageUrl)
    const hrefs = links()
    expect(hrefs.find((h) => h.startsWith('mailto:?subject='))).toContain(encoded)
    expect(hrefs.find((h) => h.startsWith('https://wa.me/?text='))).toContain(encoded)
    expect(hrefs.find((h) => h.startsWith('https://t.me/share/url?'))).toContain(`url=${encoded}`)
    expect(hrefs.find((h) => h.startsWith('https://x.com/intent/post?'))).toContain(
      `url=${encoded}`,
    )
    expect(hrefs.find((h) => h.startsWith('https://www.facebook.com/sharer/'))).toContain(
      `u=${encoded}`,
    )
    // Nothing of theirs loads until a supporter clicks, and the click leaks no referrer.
    const shares = [
      ...html.matchAll(
        /<a href="https:\/\/(?:wa\.me|t\.me|x\.com|www\.facebook\.com)[^"]*"([^>]*)>/g,
      ),
    ]
    expect(shares).toHaveLength(4)
    for (const [, attributes] of shares)
      expect(attributes).toContain('rel="noopener noreferrer nofollow"')
    const copyField = html.match(/<input id="share-url"[^>]*>/)?.[0] ?? ''
    expect(copyField).toContain('readonly=""')
    expect(copyField).toContain(`value="${pageUrl}"`)
  })

  test('loads scripts, styles and images only from the platform itself', () => {
    const sources = [
      ...html.matchAll(/<(?:script|img|link|iframe)[^>]*?(?:src|href)="([^"]+)"/g),
    ].map((m) => m[1]!)
    expect(sources.length).toBeGreaterThan(0)
    const foreign = sources.filter(
      (source) => /^(https?:)?\/\//.test(source) && !source.startsWith(web.url),
    )
    expect(foreign).toEqual([])
  })
})
