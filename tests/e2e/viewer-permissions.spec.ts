// A viewer may look but never change anything: every route under /admin that accepts a POST is
// tried, one by one (the list is read from app/routes, so a new route is covered the day it is
// added), with a valid session and a valid CSRF token, and must answer 403.
import fs from 'node:fs'
import path from 'node:path'
import { hash } from '@node-rs/argon2'
import { expect, test } from './support/fixtures.ts'
import { withDatabase } from './support/mail.ts'

const routesDir = path.join(process.cwd(), 'app', 'routes')
// Signing in and out, and password links, are open to anyone by design.
const OPEN_TO_ANYONE = new Set([
  'admin_.login',
  'admin.logout',
  'admin_.reset-password',
  'admin_.set-password.$token',
])

/** Every admin route module that exports an action, as [file, URL] with :id filled in. */
function mutatingAdminRoutes(actionId: string) {
  return fs
    .readdirSync(routesDir)
    .filter((file) => file.startsWith('admin') && /\.tsx?$/.test(file))
    .map((file) => file.replace(/\.tsx?$/, ''))
    .filter((name) => !OPEN_TO_ANYONE.has(name))
    .filter((name) =>
      /export (async )?function action\b/.test(
        fs.readFileSync(path.join(routesDir, `${name}.tsx`), 'utf8'),
      ),
    )
    .map((name) => {
      // Flat route names: dots separate segments, "[.]" is a literal dot, "_index" is the
      // parent's own page, and a trailing "_" only opts out of layout nesting.
      const segments = name
        .split(/(?<!\[)\.(?!\])/)
        .map((segment) => segment.replace(/\[\.\]/g, '.').replace(/_$/, ''))
        .filter((segment) => segment !== '_index')
        .map((segment) => (segment === '$id' ? actionId : segment))
      // An index route's own action is addressed with ?index (the parent layout has none).
      const index = name.endsWith('._index') ? '?index' : ''
      return [name, `/${segments.join('/')}${index}`] as const
    })
}

test.describe('a viewer in the console', () => {
  test('gets 403 from every route that changes something', async ({ page }, testInfo) => {
    const email = `viewer.${testInfo.project.name}.${Date.now()}@vigil.example`
    const password = 'a long viewer password'
    const passwordHash = await hash(password)
    const actionId = await withDatabase(async (sql) => {
      await sql`insert into staff_users (email, name, role, password_hash) values (${email}, 'Vera Viewer', 'viewer', ${passwordHash})`
      const [action] = await sql`select id from actions where slug = 'free-amara-kessely'`
      return action!.id as string
    })
    const before = await withDatabase(
      (sql) => sql`select count(*)::int as n, max(updated_at) as at from actions`,
    )

    await page.goto('/admin/login')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: /sign in/i }).click()
    await expect(page).toHaveURL(/\/admin$/)
    const csrf = await page.locator('input[name="csrf"]').first().inputValue()
    expect(csrf.length).toBeGreaterThan(20)

    const routes = mutatingAdminRoutes(actionId)
    expect(routes.length).toBeGreaterThanOrEqual(8)
    const answers: string[] = []
    for (const [name, url] of routes) {
      const response = await page.request.post(url, {
        form: { csrf, intent: 'launch' },
        headers: { Origin: new URL(page.url()).origin },
        maxRedirects: 0,
      })
      answers.push(`${name} ${url} -> ${response.status()}`)
    }
    console.log(answers.join('\n'))
    expect(answers.filter((answer) => !answer.endsWith('-> 403'))).toEqual([])
    const after = await withDatabase(
      (sql) => sql`select count(*)::int as n, max(updated_at) as at from actions`,
    )
    expect(after).toEqual(before)
  })
})
