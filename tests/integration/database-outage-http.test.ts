// While PostgreSQL cannot be reached, an action's page stays readable as the web process last read
// it, and a supporter who signs gets the form back, filled in, with a request to send it again;
// once the database is back, the same form signs them, once.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { startWebProcess } from '#tests/support/processes.ts'
import { startRelay } from '#tests/support/relay.ts'
import { postSignature } from '#tests/support/sign-http.ts'

let t: TestDatabase
let relay: Awaited<ReturnType<typeof startRelay>>
let web: Awaited<ReturnType<typeof startWebProcess>>
let action: Awaited<ReturnType<typeof createAction>>
// Actions the web process has never read: it has no page of them to fall back on.
let unread: Awaited<ReturnType<typeof createAction>>
let unreadWhileStuck: Awaited<ReturnType<typeof createAction>>

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'outage')
  action = await createAction(t.db)
  unread = await createAction(t.db)
  unreadWhileStuck = await createAction(t.db)
  // The web process reaches PostgreSQL through a relay the test can stop, as an outage would.
  relay = await startRelay(new URL(t.url))
  web = await startWebProcess({
    DATABASE_URL: relay.url,
    // Every page is read from the database, none from the short-lived page cache.
    PAGE_CACHE_SECONDS: '0',
    TRUST_PROXY: '1',
  })
}, 180_000)

afterAll(async () => {
  await web?.stop()
  await relay?.stop().catch(() => {})
  await t?.drop()
})

let unreadResend: URLSearchParams
const sign = (email: string) => postSignature(web.url, action.slug, email)

describe('the public side while the database is unreachable', () => {
  test('the action page is shown as last read, signing asks to send again, and works once the database is back', async () => {
    const before = await fetch(`${web.url}/actions/${action.slug}`)
    expect(before.status).toBe(200)

    await relay.stop()
    try {
      const page = await fetch(`${web.url}/actions/${action.slug}`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain(action.title)

      const refused = await sign('outage@example.org')
      expect(refused.status).toBe(503)
      const body = await refused.text()
      expect(body).toContain('We could not record your signature just now.')
      expect(body).toContain('value="outage@example.org"')

      // A page this process never read has nothing to fall back on: a 503 to try again.
      const unreadPage = await fetch(`${web.url}/actions/${unread.slug}`)
      expect(unreadPage.status).toBe(503)
      expect(unreadPage.headers.get('retry-after')).toBe('5')
      expect(await unreadPage.text()).toContain('This page cannot be shown just now')

      // Signing there keeps what was typed, ready to send again.
      const kept = await postSignature(web.url, unread.slug, 'unread@example.org', {
        extra: { firstName: 'Ximena', lastName: 'Quispe' },
      })
      expect(kept.status).toBe(503)
      expect(kept.headers.get('retry-after')).toBe('5')
      const keptBody = await kept.text()
      expect(keptBody).toContain('We could not record your signature just now')
      expect(keptBody).toContain('<dd>Ximena Quispe</dd>')
      expect(keptBody).toContain('<dd>unread@example.org</dd>')
      const resend = new URLSearchParams(
        [...keptBody.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map(
          ([, name, value]) => [name!, value!],
        ),
      )
      expect(Object.fromEntries(resend)).toMatchObject({
        intent: 'sign',
        firstName: 'Ximena',
        lastName: 'Quispe',
        email: 'unread@example.org',
        country: 'ES',
        consent: 'on',
      })
      expect(keptBody).toContain(`action="/actions/${unread.slug}#sign"`)
      unreadResend = resend
    } finally {
      await relay.start()
    }

    // The pool reconnects within a second or so; the same form then signs.
    let again = await sign('outage@example.org')
    for (let i = 0; i < 20 && again.status !== 303; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      again = await sign('outage@example.org')
    }
    expect(again.status).toBe(303)
    const [row] = await t.db.execute<{ n: number }>(sql`
      select count(*)::int as n from signatures s join supporters p on p.id = s.supporter_id
      where p.email = 'outage@example.org'`)
    expect(row!.n).toBe(1)

    // Send again, as the kept form posts it: signed once.
    const resent = await fetch(`${web.url}/actions/${unread.slug}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'X-Forwarded-For': '198.51.100.21' },
      body: unreadResend,
    })
    expect(resent.status).toBe(303)
    const [unreadRow] = await t.db.execute<{ n: number; first: string }>(sql`
      select count(*)::int as n, min(p.first_name) as first from signatures s
      join supporters p on p.id = s.supporter_id where p.email = 'unread@example.org'`)
    expect(unreadRow).toMatchObject({ n: 1, first: 'Ximena' })
  })

  test('a page whose read hangs is shown as last read after a few seconds, not left waiting', async () => {
    expect((await fetch(`${web.url}/actions/${action.slug}`)).status).toBe(200)
    // Reads of actions now wait on this lock, as on a database that has stopped answering.
    const holder = await t.db.$client.reserve()
    try {
      await holder`begin`
      await holder`lock table actions in access exclusive mode`
      const started = performance.now()
      const page = await fetch(`${web.url}/actions/${action.slug}`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain(action.title)
      // The read is given 3 s (LAST_READ_AFTER_MS) before the last read page is shown.
      expect(performance.now() - started).toBeGreaterThanOrEqual(2_900)

      // A page never read here: 10 s (NO_PAGE_AFTER_MS), then a 503 rather than waiting on.
      const stuck = performance.now()
      const unreadPage = await fetch(`${web.url}/actions/${unreadWhileStuck.slug}`)
      expect(unreadPage.status).toBe(503)
      expect(performance.now() - stuck).toBeGreaterThanOrEqual(9_900)
    } finally {
      await holder`rollback`
      holder.release()
    }
  })
})
