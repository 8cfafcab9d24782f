// The campaign console's defences over HTTP, against the production server (server.ts and the
// built app): a state-changing request from another site is refused by its Origin before it
// reaches the console; a staff form without the session's token is refused whatever its Origin;
// and Markdown staff write reaches the public page without anything that could run there.
//
// The policy, as server.ts states it: any non-GET request whose Origin is another site's gets 403.
// A request without Origin passes that check (mail clients' one-click unsubscribe and webhooks
// send none; browsers send it with every cross-site POST), so for staff forms the session's CSRF
// token is what decides.
import { and, eq, sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { hashPassword } from '#app/utils/password.server.ts'
import { actionUpdates, auditLog, letterTemplates, staffSessions, staffUsers } from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { HOSTILE_MARKDOWN } from '#tests/support/hostile-markdown.ts'
import { startWebProcess } from '#tests/support/processes.ts'

const EMAIL = 'eda.editor@vigil.test'
const PASSWORD = 'a passphrase long enough for the console'
const FOREIGN_ORIGIN = 'https://campaign-hijack.example'

let t: TestDatabase
let web: Awaited<ReturnType<typeof startWebProcess>>
let actionId: string
let slug: string
let cookie: string
let csrf: string

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'consolehttp')
  const action = await createAction(t.db, { story: HOSTILE_MARKDOWN })
  actionId = action.id
  slug = action.slug
  await t.db.insert(actionUpdates).values({
    actionId,
    sequence: 1,
    title: 'Moved to another prison',
    body: HOSTILE_MARKDOWN,
    publishedAt: new Date(),
  })
  await t.db.insert(staffUsers).values({
    email: EMAIL,
    name: 'Eda Editor',
    role: 'editor',
    passwordHash: await hashPassword(PASSWORD),
  })
  // The export slots' test assumes the default, whatever a developer's .env says.
  web = await startWebProcess({ DATABASE_URL: t.url, EXPORT_CONCURRENCY: '2' })

  const signedIn = await signIn(web.url)
  expect(signedIn.status).toBe(303)
  // Just the session's cookie (the page cache's "fresh" cookie comes with it).
  cookie = signedIn.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((pair) => pair.startsWith('vigil_staff='))!
  const page = await fetch(`${web.url}/admin/actions/${actionId}/letter`, {
    headers: { cookie },
    redirect: 'manual',
  })
  expect(page.status).toBe(200)
  csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)![1]!
}, 180_000)

afterAll(async () => {
  await web?.stop()
  await t?.drop()
})

function signIn(origin: string) {
  return fetch(`${web.url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, redirectTo: '/admin' }),
  })
}

/** Posts the letter form, as the console's "Save the letter" button does. */
function saveLetter({ body, origin, token }: { body: string; origin?: string; token?: string }) {
  const form = new URLSearchParams({ intent: 'save', subject: 'Release Imani Testperson', body })
  if (token !== undefined) form.set('csrf', token)
  return fetch(`${web.url}/admin/actions/${actionId}/letter`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, ...(origin ? { origin } : {}) },
    body: form,
  })
}

async function letterBody() {
  const [row] = await t.db
    .select({ body: letterTemplates.body })
    .from(letterTemplates)
    .where(eq(letterTemplates.actionId, actionId))
  return row!.body
}

/** How many audit entries of `event` the action has. */
async function auditCount(event: string) {
  const rows = await t.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.entityId, actionId), eq(auditLog.event, event)))
  return rows.length
}

describe('cross-site request forgery', () => {
  test('a staff form posted from another site, cookie and token included, is refused and changes nothing', async () => {
    const before = await letterBody()
    const refused = await saveLetter({
      body: 'Forged from another site, {{supporter.fullName}}',
      origin: FOREIGN_ORIGIN,
      token: csrf,
    })
    expect(refused.status).toBe(403)
    expect(await refused.text()).toBe('Cross-site request refused.')
    expect(await letterBody()).toBe(before)
    expect(await auditCount('letter.updated')).toBe(0)
  })

  test('the same form from the console itself is saved and audited', async () => {
    const body = 'Please release Imani Testperson.\n\n{{supporter.fullName}}'
    const saved = await saveLetter({ body, origin: web.url, token: csrf })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe(`/admin/actions/${actionId}/letter?done=saved`)
    expect(await letterBody()).toBe(body)
    expect(await auditCount('letter.updated')).toBe(1)
  })

  test('without its form token a staff form is refused, from the console or with no Origin at all', async () => {
    const before = await letterBody()
    const attempts = [
      { origin: web.url },
      {},
      { token: 'not-the-session-token' },
      // The session's own token, one character altered.
      { token: csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
    ]
    for (const attempt of attempts) {
      const refused = await saveLetter({ body: 'Changed without a token', ...attempt })
      expect(refused.status, JSON.stringify(attempt)).toBe(403)
      expect(await refused.text()).toContain('invalid form token')
    }
    expect(await letterBody()).toBe(before)

    // With no Origin (an older browser, a script) the token is what lets it through.
    const body = 'Saved with the token and no Origin.\n\n{{supporter.fullName}}'
    const saved = await saveLetter({ body, token: csrf })
    expect(saved.status).toBe(303)
    expect(await letterBody()).toBe(body)
  })

  test('signing in from another site is refused before any password is checked', async () => {
    const sessions = async () =>
      (await t.db.select({ n: sql<number>`count(*)::int` }).from(staffSessions))[0]!.n
    const before = await sessions()
    const refused = await signIn(FOREIGN_ORIGIN)
    expect(refused.status).toBe(403)
    expect(refused.headers.getSetCookie()).toEqual([])
    expect(await sessions()).toBe(before)
  })
})

describe('staff-written Markdown on the public page', () => {
  test('the story and an update keep their formatting and lose scripts, handlers and javascript: links', async () => {
    const response = await fetch(`${web.url}/actions/${slug}`)
    expect(response.status).toBe(200)
    const html = await response.text()
    // Both places rendered the Markdown (the update is shown too), with the safe link kept.
    expect(html.match(/She was arrested on <strong>3 May<\/strong>\./g)).toHaveLength(2)
    expect(html).toContain('Moved to another prison')
    expect(html).toContain(
      '<a href="https://example.org/case" rel="noopener noreferrer nofollow">the case</a>',
    )
    for (const banned of [
      'alert(',
      'onerror',
      'onclick',
      'onload=',
      'javascript:',
      '<iframe',
      'evil.example',
    ]) {
      expect(html.toLowerCase(), banned).not.toContain(banned)
    }
  })
})

describe('signature exports over HTTP', () => {
  // Remix answers HEAD by dropping the loader's body without cancelling it: an export started for
  // one would hold its query, and its database connection, for good.
  test('a HEAD request gets the download headers without starting an export or a printout', async () => {
    const before = await auditCount('signatures.exported')
    for (const format of ['csv', 'json']) {
      const head = await fetch(`${web.url}/admin/actions/${actionId}/export.${format}`, {
        method: 'HEAD',
        headers: { cookie },
        redirect: 'manual',
      })
      expect(head.status).toBe(200)
      expect(head.headers.get('content-disposition')).toMatch(
        /^attachment; filename=".+\.(csv|json)"$/,
      )
    }
    expect(await auditCount('signatures.exported')).toBe(before)
    // The printable letters likewise.
    const printed = await auditCount('letters.printed')
    const letters = await fetch(`${web.url}/admin/actions/${actionId}/hand-letters`, {
      method: 'HEAD',
      headers: { cookie },
      redirect: 'manual',
    })
    expect(letters.status).toBe(200)
    expect(letters.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await auditCount('letters.printed')).toBe(printed)

    const csv = await fetch(`${web.url}/admin/actions/${actionId}/export.csv`, {
      headers: { cookie },
      redirect: 'manual',
    })
    expect(csv.status).toBe(200)
    expect((await csv.text()).split('\n')[0]).toContain('Reference,Signed at,Confirmed at')
    expect(await auditCount('signatures.exported')).toBe(before + 1)
  })

  // Every export (signatures, printable letters) holds one of EXPORT_CONCURRENCY slots, 2 by
  // default: an advisory lock on its own connection. Here a connection of the test's holds both,
  // as two exports still running would.
  test('while every export slot is taken, the editor is sent back to the console, which says why', async () => {
    const runningExports = postgres(t.url, { max: 1, onnotice: () => {} })
    try {
      await runningExports`select pg_advisory_lock(hashtext('vigil-export'), 0),
                                  pg_advisory_lock(hashtext('vigil-export'), 1)`
      const exported = await auditCount('signatures.exported')
      const printed = await auditCount('letters.printed')
      for (const page of ['export.csv', 'export.json', 'hand-letters']) {
        const refused = await fetch(`${web.url}/admin/actions/${actionId}/${page}`, {
          headers: { cookie },
          redirect: 'manual',
        })
        expect(refused.status, page).toBe(302)
        expect(refused.headers.get('location'), page).toBe(
          `/admin/actions/${actionId}?busy=exports`,
        )
      }
      expect(await auditCount('signatures.exported')).toBe(exported)
      expect(await auditCount('letters.printed')).toBe(printed)
      const consolePage = await fetch(`${web.url}/admin/actions/${actionId}?busy=exports`, {
        headers: { cookie },
      })
      const alert = (await consolePage.text()).match(/<div[^>]*role="alert"[^>]*>([^<]*)</)
      expect(alert?.[1]).toContain('Nothing was exported. Try again in a minute or two.')

      // One export ends: the next is let through.
      await runningExports`select pg_advisory_unlock(hashtext('vigil-export'), 1)`
      const csv = await fetch(`${web.url}/admin/actions/${actionId}/export.csv`, {
        headers: { cookie },
        redirect: 'manual',
      })
      expect(csv.status).toBe(200)
      expect((await csv.text()).split('\n')[0]).toContain('Reference,Signed at,Confirmed at')
    } finally {
      await runningExports.end({ timeout: 1 })
    }
  })
})
