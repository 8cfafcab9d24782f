import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { en } from '#app/locales/en.ts'
import { catalogues } from '#app/utils/i18n.ts'
import { createRenderCache, renderEmail } from '#emails/render.ts'

// A second language for these tests only: the platform ships English alone so far.
const languages = catalogues as Record<string, Record<string, string>>
beforeAll(() => {
  languages.es = { ...en, 'email.update.subject': '{{reference}} novedad {{sequence}}: {{title}}' }
})
afterAll(() => {
  delete languages.es
})

const params = {
  reference: 'UA 001/26',
  sequence: 2,
  title: 'Moved to a prison near her family',
  atRiskName: 'Amara Kessely',
  bodyHtml: '<p>She was <strong>moved</strong> to a prison near her family.</p>',
  actionUrl: 'https://vigil.example.org/actions/free-amara',
}
// Two recipients' links, of the same length as every link of one fan-out.
const anaUrl = 'https://vigil.example.org/unsubscribe/eyJhbGciOiJIUzI1NiJ9.ana-token.sig-aaaa'
const benUrl = 'https://vigil.example.org/unsubscribe/eyJhbGciOiJIUzI1NiJ9.ben-token.sig-bbbb'

describe('the render cache for messages many recipients get alike', () => {
  test('each recipient gets their own unsubscribe link and nothing else differs', () => {
    const cache = createRenderCache()
    const ana = cache.render('action-update', params, { locale: 'en', unsubscribeUrl: anaUrl })
    const ben = cache.render('action-update', params, { locale: 'en', unsubscribeUrl: benUrl })
    expect(cache.size).toBe(1)
    expect(ana.html).toContain(`href="${anaUrl}"`)
    expect(ana.text).toContain(anaUrl)
    expect(ana.unsubscribeUrl).toBe(anaUrl)
    expect(ben.html).toContain(`href="${benUrl}"`)
    expect(ben.html).not.toContain(anaUrl)
    expect(ben.text).not.toContain(anaUrl)
    expect(ben.unsubscribeUrl).toBe(benUrl)
    expect(ben.html.replaceAll(benUrl, anaUrl)).toBe(ana.html)
    expect(ben.text.replaceAll(benUrl, anaUrl)).toBe(ana.text)
    expect(ben.subject).toBe(ana.subject)
  })

  test('a cached message is exactly what rendering it whole gives, escaping and wrapping included', () => {
    const cache = createRenderCache()
    const odd = 'https://vigil.example.org/unsubscribe/abc?x=1&y="2"&z=<3>'
    for (const [locale, unsubscribeUrl] of [
      ['en', anaUrl],
      ['en', benUrl],
      ['es', anaUrl],
      ['en', odd],
      [undefined, benUrl],
    ] as const) {
      const cached = cache.render('action-update', params, { locale, unsubscribeUrl })
      expect(cached).toEqual(renderEmail('action-update', params, { locale, unsubscribeUrl }))
    }
  })

  test('another locale, or other parameters, are rendered separately', () => {
    const cache = createRenderCache()
    const en = cache.render('action-update', params, { locale: 'en', unsubscribeUrl: anaUrl })
    const es = cache.render('action-update', params, { locale: 'es', unsubscribeUrl: anaUrl })
    expect(cache.size).toBe(2)
    expect(en.subject).toBe('UA 001/26 update 2: Moved to a prison near her family')
    expect(es.subject).toBe('UA 001/26 novedad 2: Moved to a prison near her family')
    expect(es.html).toContain('lang="es"')
    // A language with no catalogue falls back to the default one, and shares its rendering.
    cache.render('action-update', params, { locale: 'xx', unsubscribeUrl: anaUrl })
    expect(cache.size).toBe(2)
    const next = cache.render(
      'action-update',
      { ...params, sequence: 3, title: 'Released' },
      { locale: 'en', unsubscribeUrl: anaUrl },
    )
    expect(cache.size).toBe(3)
    expect(next.subject).toContain('Released')
  })

  test('it holds at most its bound, dropping the least recently used', () => {
    const cache = createRenderCache({ maxEntries: 3 })
    for (let sequence = 1; sequence <= 10; sequence++) {
      cache.render('action-update', { ...params, sequence }, { unsubscribeUrl: anaUrl })
      expect(cache.size).toBeLessThanOrEqual(3)
    }
    expect(cache.size).toBe(3)
  })

  test('a message without an unsubscribe link is rendered whole and not kept', () => {
    const cache = createRenderCache()
    const email = cache.render('action-update', params, { locale: 'en' })
    expect(email).toEqual(renderEmail('action-update', params, { locale: 'en' }))
    expect(cache.size).toBe(0)
  })
})
