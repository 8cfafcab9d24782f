// Under a surge each web process serves public pages from memory. These are the promises that must
// hold all the same: every visitor's page carries a script nonce of its own, a change staff make
// shows at once, and whoever just acted, or is signed in, sees the page live. The server runs as
// in production (`server.ts`, built app) with a lifetime of a minute, so nothing here passes
// because a copy happened to expire.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { addConfirmedSignatures } from '#db/counters.ts'
import { actions, actionUpdates } from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { waitFor } from '#tests/support/ports.ts'
import { startWebProcess } from '#tests/support/processes.ts'

let t: TestDatabase
let web: Awaited<ReturnType<typeof startWebProcess>>
let base: string
let action: Awaited<ReturnType<typeof createAction>>

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'pagecache')
  action = await createAction(t.db, { title: 'Lawyer held after defending protesters' })
  web = await startWebProcess({ DATABASE_URL: t.url, PAGE_CACHE_SECONDS: '60' })
  base = web.url
}, 180_000)

afterAll(async () => {
  await web?.stop()
  await t?.drop()
})

const pagePath = () => `/actions/${action.slug}`

async function visit(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { headers })
  const body = await response.text()
  const policy = response.headers.get('content-security-policy') ?? ''
  return {
    status: response.status,
    body,
    allowedNonce: policy.match(/'nonce-([^']+)'/)?.[1],
    usedNonces: [...new Set([...body.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]))],
    count: body.match(/data-testid="signature-count">([^<]*)</)?.[1],
  }
}

describe('public pages served from memory', () => {
  test('each visitor gets the page with a script nonce of their own, the one their policy allows', async () => {
    const pages = [await visit(pagePath()), await visit(pagePath()), await visit(pagePath())]
    const nonces = new Set<string>()
    for (const page of pages) {
      expect(page.status).toBe(200)
      expect(page.allowedNonce).toBeTruthy()
      expect(page.usedNonces).toEqual([page.allowedNonce])
      nonces.add(page.allowedNonce!)
    }
    expect(nonces.size).toBe(3)
    const withoutNonce = pages.map((page) => page.body.replaceAll(page.allowedNonce!, ''))
    expect(withoutNonce[1]).toBe(withoutNonce[0])
    expect(withoutNonce[2]).toBe(withoutNonce[0])
  })

  test('a copy from memory carries the same headers as the page rendered for the first visitor', async () => {
    const headersOf = (response: Response) =>
      Object.fromEntries(
        [...response.headers]
          .filter(([name]) => name !== 'date')
          .map(([name, value]) => [
            name,
            name === 'content-security-policy' ? value.replace(/'nonce-[^']+'/, 'NONCE') : value,
          ]),
      )
    // A URL no earlier test asked for, so the first answer is a render and the next ones copies.
    const url = `${base}/actions?q=${encodeURIComponent('lawyer')}`
    const rendered = await fetch(url)
    await rendered.text()
    const copy = await fetch(url)
    const copyBody = await copy.text()
    expect(copy.status).toBe(200)
    expect(headersOf(copy)).toEqual(headersOf(rendered))
    expect(headersOf(copy)).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    })
    expect(Number(copy.headers.get('content-length'))).toBe(Buffer.byteLength(copyBody))

    const head = await fetch(url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(copy.headers.get('content-length'))
    expect(await head.text()).toBe('')
  })

  test('a new count reaches visitors without cookies when the copy expires, and signed-in staff at once', async () => {
    const before = await visit(pagePath())
    expect(before.count).toMatch(/^0 signatures/)
    // Counts do not empty the cache: a notification per signature would queue every commit.
    await addConfirmedSignatures(t.db, action.id, 7)
    expect((await visit(pagePath())).count).toBe(before.count)
    expect((await visit(pagePath(), { cookie: 'vigil_session=anything' })).count).toMatch(
      /^7 signatures/,
    )
  })

  test('someone who has just sent a form reads the pages live for a moment', async () => {
    const refused = await fetch(base + pagePath(), {
      method: 'POST',
      body: new URLSearchParams({ intent: 'sign', firstName: 'Ana' }),
      redirect: 'manual',
    })
    expect(refused.status).toBe(400)
    const cookie = refused.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^vigil_fresh=1; Max-Age=61; Path=\/;.*HttpOnly; SameSite=Lax/)
    await addConfirmedSignatures(t.db, action.id, 1)
    const live = await visit(pagePath(), { cookie: cookie.split(';')[0]! })
    expect(live.count).toMatch(/^8 signatures/)
  })

  test('a change to what the pages show reaches the next visitors at once: edits, pauses, updates', async () => {
    await visit(pagePath())
    await visit('/actions')
    await visit('/')

    await t.db
      .update(actions)
      .set({ title: 'Lawyer moved to a prison far from her family' })
      .where(eq(actions.id, action.id))
    // PostgreSQL notifies each web process on commit; allow it the moment that takes.
    for (const path of [pagePath(), '/actions', '/']) {
      await waitFor(
        async () =>
          (await visit(path)).body.includes('Lawyer moved to a prison far from her family'),
        { timeoutMs: 2000, intervalMs: 20, what: `${path} to show the new title` },
      )
    }

    await t.db.update(actions).set({ pausedAt: new Date() }).where(eq(actions.id, action.id))
    await waitFor(async () => (await visit(pagePath())).body.includes('Action paused'), {
      timeoutMs: 2000,
      intervalMs: 20,
      what: 'the holding notice',
    })

    await t.db.insert(actionUpdates).values({
      actionId: action.id,
      sequence: 1,
      title: 'Her lawyer was allowed to visit',
      body: 'A first visit in three weeks.',
      publishedAt: new Date(),
    })
    await waitFor(
      async () => (await visit(pagePath())).body.includes('Her lawyer was allowed to visit'),
      { timeoutMs: 2000, intervalMs: 20, what: 'the published update' },
    )
  })
})
