// Hand delivery, over HTTP against the production server: nothing is emailed, and staff open the
// kept letters as one printable page, a letter per sheet, with the official's postal address, the
// letter itself, the supporter's name and country, and a date. Whatever supporters typed stays
// text; editors may print (audited, like an export), viewers may not.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { auditLog, authorities, letterTemplates, type Action } from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { startWebProcess } from '#tests/support/processes.ts'
import { staffCookie } from '#tests/support/staff-session.ts'

const SESSION_SECRET = 'test-secret-test-secret-test-secret-0000'
const HOSTILE_NAME = '<script>alert("x")</script>'
const HOSTILE_MESSAGE = '<img src=x onerror=alert(1)> Free her now.'

let t: TestDatabase
let web: Awaited<ReturnType<typeof startWebProcess>>
let editor: string
let viewer: string
let action: Action

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'handletters')
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: 'https://vigil.test',
    SESSION_SECRET,
  })
  editor = (await staffCookie(t.db, 'editor')).cookie
  viewer = (await staffCookie(t.db, 'viewer')).cookie
  action = await handAction()
  web = await startWebProcess({ DATABASE_URL: t.url, SESSION_SECRET })
}, 180_000)

afterAll(async () => {
  await web?.stop()
  const { getDb } = await import('#app/utils/db.server.ts')
  const { closeDb } = await import('#db/client.ts')
  await closeDb(getDb())
  await t?.drop()
})

/**
 * A hand-delivery action with two officials (the minister has a postal address), and letters to
 * both from: Ana Ruiz (Spain), a supporter whose name and message are markup, one who has since
 * erased their data, and one whose signature was never confirmed (those two are left out).
 */
async function handAction() {
  const created = await createAction(t.db, { deliveryMode: 'hand' })
  await t.db
    .update(authorities)
    .set({ postalAddress: 'Ministry of Justice\nHarambee Avenue 1\nNairobi' })
    .where(eq(authorities.actionId, created.id))
  await t.db.insert(authorities).values({
    actionId: created.id,
    role: 'copy',
    position: 2,
    name: 'The Ambassador',
    title: 'Ambassador of Kenya',
    salutation: 'Your Excellency',
    email: 'embassy@embassy.example',
  })
  await t.db
    .update(letterTemplates)
    .set({
      body: '{{authority.salutation}},\n\nPlease release Imani Testperson.\n\n{{supporter.message}}\n\nYours sincerely,\n{{supporter.fullName}}',
    })
    .where(eq(letterTemplates.actionId, created.id))
  await t.db.execute(sql`
    with people (n, first_name, last_name, country, message, erased, status) as (values
      (1, 'Ana', 'Ruiz', 'ES', null, false, 'confirmed'),
      (2, ${HOSTILE_NAME}, 'O''Brien & Co', 'IE', ${HOSTILE_MESSAGE}, false, 'confirmed'),
      (3, null, null, 'FR', null, true, 'confirmed'),
      (4, 'Pending', 'Person', 'DE', null, false, 'pending')),
    made as (
      insert into supporters (email, email_canonical, first_name, last_name, country, erased_at)
      select case when erased then null else 'hand-' || n || '-' || ${created.id} || '@example.org' end,
             case when erased then null else 'hand-' || n || '-' || ${created.id} || '@example.org' end,
             first_name, last_name, country, case when erased then now() end
      from people order by n
      returning id, email
    ),
    signed as (
      insert into signatures (action_id, supporter_id, status, country, personal_message, consent_at, confirmed_at)
      select ${created.id}, made.id, p.status::signature_status, p.country, p.message, now(),
             case when p.status = 'confirmed' then ('2026-03-0' || p.n || ' 10:00Z')::timestamptz end
      from people p
      join made on made.email = 'hand-' || p.n || '-' || ${created.id} || '@example.org'
        or (p.erased and made.email is null)
      returning id
    )
    insert into letters (signature_id, authority_id, status)
    select signed.id, a.id, 'hand' from signed cross join authorities a
    where a.action_id = ${created.id}`)
  return created
}

function get(path: string, cookie?: string) {
  return fetch(`${web.url}${path}`, {
    headers: cookie ? { cookie } : {},
    redirect: 'manual',
  })
}

const letterCount = (html: string) => html.split('<article class="letter"').length - 1

describe('the printable letters for hand delivery', () => {
  test('one page per letter, with the official, the postal address, the letter, the supporter and a date; the left-out letters are not there', async () => {
    const response = await get(`/admin/actions/${action.id}/hand-letters`, editor)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    expect(response.headers.get('content-security-policy')).toContain("style-src 'self'")
    const html = await response.text()
    expect(html).toMatch(/^<!doctype html><html lang="en">/)
    expect(html).toContain('<link rel="stylesheet" href="/hand-letters.css"/>')
    // Two supporters whose letters count, to two officials.
    expect(letterCount(html)).toBe(4)
    expect(html).toContain('<p data-testid="hand-letter-count">4 letters</p>')
    expect(html).toContain('2 letters to Amos Fictional, Minister of Justice')
    expect(html).toContain('2 letters to The Ambassador, Ambassador of Kenya')
    const [first, second, third, fourth] = html.split('<article class="letter"').slice(1)
    // The minister's pile first, oldest signature first.
    expect(first).toContain('Amos Fictional')
    expect(first).toContain('Minister of Justice')
    expect(first).toContain('Ministry of Justice\nHarambee Avenue 1\nNairobi')
    expect(first).toContain('Dear Minister,\n\nPlease release Imani Testperson.')
    expect(first).toContain('Yours sincerely,\nAna Ruiz')
    expect(first).toContain('Signed by Ana Ruiz (Spain) on March 1, 2026')
    expect(first).toContain('March 1, 2026')
    expect(second).toContain('Amos Fictional')
    expect(second).toContain('(Ireland) on March 2, 2026')
    expect(third).toContain('The Ambassador')
    expect(third).toContain('Your Excellency,')
    expect(fourth).toContain('The Ambassador')
    expect(html).not.toContain('Pending Person')
  })

  test('what supporters typed is shown as text, never as markup', async () => {
    const html = await (await get(`/admin/actions/${action.id}/hand-letters`, editor)).text()
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien &amp; Co',
    )
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Free her now.')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
  })

  test('the print stylesheet is served from the site itself, with a page break after each letter', async () => {
    const response = await get('/hand-letters.css')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/css')
    const css = await response.text()
    expect(css).toContain('@media print')
    expect(css).toContain('break-after: page')
  })

  test('every print is audited with its number of letters', async () => {
    const before = await t.db.select().from(auditLog).where(eq(auditLog.event, 'letters.printed'))
    await (await get(`/admin/actions/${action.id}/hand-letters`, editor)).text()
    const after = await t.db.select().from(auditLog).where(eq(auditLog.event, 'letters.printed'))
    expect(after).toHaveLength(before.length + 1)
    expect(after.at(-1)).toMatchObject({
      entityType: 'action',
      entityId: action.id,
      after: { deliveryMode: 'hand', letters: 4 },
    })
  })

  test('editors only: a viewer is refused, a stranger is sent to sign in, an unknown action is not found', async () => {
    expect((await get(`/admin/actions/${action.id}/hand-letters`, viewer)).status).toBe(403)
    const stranger = await get(`/admin/actions/${action.id}/hand-letters`)
    expect(stranger.status).toBe(302)
    expect(stranger.headers.get('location')).toMatch(/^\/admin\/login\?redirectTo=/)
    const unknown = await get(
      `/admin/actions/00000000-0000-4000-8000-000000000000/hand-letters`,
      editor,
    )
    expect(unknown.status).toBe(404)
  })

  test("the action's console page links to them for editors, not for viewers, counting only the printable ones", async () => {
    const link = `href="/admin/actions/${action.id}/hand-letters"`
    const consolePage = await (await get(`/admin/actions/${action.id}`, editor)).text()
    expect(consolePage).toContain(link)
    // Eight letters are kept; the erased supporter's two and the unconfirmed signature's two
    // are not printed, and not counted.
    expect(consolePage).toContain('4 letters are kept to print and hand over.')
    expect(await (await get(`/admin/actions/${action.id}`, viewer)).text()).not.toContain(link)
  })

  test('thousands of letters stream through in one document', async () => {
    const big = await createAction(t.db, { deliveryMode: 'hand' })
    await t.db
      .update(authorities)
      .set({ postalAddress: 'Ministry of Justice, Nairobi' })
      .where(eq(authorities.actionId, big.id))
    await t.db.execute(sql`
      with made as (
        insert into supporters (email, email_canonical, first_name, last_name, country)
        select 'bulk-' || g || '-' || ${big.id} || '@example.org', 'bulk-' || g || '-' || ${big.id} || '@example.org',
               'Bulk', 'Signer ' || g, 'KE'
        from generate_series(1, 2500) g
        returning id
      ),
      signed as (
        insert into signatures (action_id, supporter_id, status, country, consent_at, confirmed_at)
        select ${big.id}, id, 'confirmed', 'KE', now(), now() from made
        returning id
      )
      insert into letters (signature_id, authority_id, status)
      select signed.id, a.id, 'hand' from signed cross join authorities a where a.action_id = ${big.id}`)
    const response = await get(`/admin/actions/${big.id}/hand-letters`, editor)
    expect(response.status).toBe(200)
    // Streamed as it is read from the cursor: its length is not known up front.
    expect(response.headers.get('content-length')).toBeNull()
    const html = await response.text()
    expect(letterCount(html)).toBe(2500)
    expect(html).toContain('2,500 letters')
    expect(html.trimEnd().endsWith('</main></body></html>')).toBe(true)
  })
})
