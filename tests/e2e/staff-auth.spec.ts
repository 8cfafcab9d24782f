// Staff accounts as people use them: the first admin made on the command line, setting a password
// from a link, signing in and out, inviting a colleague, what a viewer may not open, a wrong
// password, and a forgotten one reset by email.
import type { Page, TestInfo } from '@playwright/test'
import { axeViolations, expect, test } from './support/fixtures.ts'
import { linkIn, waitForMail, withDatabase } from './support/mail.ts'
import { choosePassword, createStaffWithLink, STAFF_PASSWORD } from './support/staff.ts'

function uniqueEmail(testInfo: TestInfo, label: string) {
  return `${label}.${testInfo.project.name}.${Date.now()}@example.org`
}

async function signIn(page: Page, email: string, password = STAFF_PASSWORD) {
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/admin\/login$/)
}

const consoleNav = (page: Page) => page.getByRole('navigation', { name: 'Campaign console' })

test.describe('staff accounts', () => {
  test('the first admin, made on the command line, sets a password from the printed link, signs in, invites a colleague and signs out', async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'ana-admin')
    const link = await createStaffWithLink(email, 'admin', 'Ana Admin')

    await choosePassword(page, link)
    const nav = consoleNav(page)
    await expect(nav.getByRole('link', { name: 'Overview' })).toBeVisible()
    await expect(nav.getByRole('link', { name: 'Staff' })).toBeVisible()
    await expect(nav.getByRole('link', { name: 'Audit log' })).toBeVisible()
    await expect(page.getByTestId('admin-user')).toHaveText('Signed in as Ana Admin, Administrator')

    // The link worked once.
    await page.goto(link)
    await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible()

    // Invite a colleague from the staff page; the invitation arrives by email.
    const staffPage = await page.goto('/admin/staff')
    // Console pages hold personal data and the form token: never cached, never indexed.
    expect(staffPage?.headers()).toMatchObject({
      'cache-control': 'private, no-store',
      'x-robots-tag': 'noindex',
    })
    const colleague = uniqueEmail(testInfo, 'colleague')
    await page.getByLabel('Name').fill('Nia Colleague')
    await page.getByLabel('Email address').fill(colleague)
    await page.getByLabel('Role', { exact: true }).selectOption('editor')
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${colleague}.`)
    const row = page.getByTestId(`staff-${colleague}`)
    await expect(row).toContainText('Editor')
    await expect(row).toContainText('Password not chosen yet')
    const invitation = await waitForMail(colleague, { subject: /Vigil campaign console/ })
    expect(linkIn(invitation, '/admin/set-password/')).toMatch(/\/admin\/set-password\/[\w-]{43}$/)
    expect(await axeViolations(page)).toEqual([])

    // A POST with the session cookie but without the form token is refused and changes nothing.
    const colleagueId = await withDatabase(async (sql) => {
      const [found] = await sql<
        { id: string }[]
      >`select id from staff_users where email = ${colleague}`
      return found!.id
    })
    const forged = await page.request.post('/admin/staff', {
      form: { intent: 'disable', staffUserId: colleagueId },
    })
    expect(forged.status()).toBe(403)
    await page.reload()
    await expect(row).not.toContainText('Disabled')

    // With the form (and its token) it works, and the audit log says so.
    await row.getByRole('button', { name: 'Disable Nia Colleague' }).click()
    await expect(page.getByRole('status')).toHaveText('Account disabled. Its sessions have ended.')
    await expect(row).toContainText('Disabled')
    await page.goto(`/admin/audit?event=staff.disabled`)
    await expect(page.getByRole('table', { name: 'Audit log entries' })).toContainText(colleagueId)
    expect(await axeViolations(page)).toEqual([])

    await signOut(page)
    // Signed out means signed out: the console sends us back to sign in.
    await page.goto('/admin/staff')
    await expect(page).toHaveURL(/\/admin\/login\?redirectTo=%2Fadmin%2Fstaff$/)
    await signIn(page, email)
    await expect(page).toHaveURL(/\/admin\/staff$/)
    await expect(page.getByRole('heading', { name: 'Staff', level: 1 })).toBeVisible()
  })

  test('a viewer cannot open the staff or audit pages, nor post to them', async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'vic-viewer')
    await choosePassword(page, await createStaffWithLink(email, 'viewer', 'Vic Viewer'))
    const nav = consoleNav(page)
    await expect(nav.getByRole('link', { name: 'Overview' })).toBeVisible()
    await expect(nav.getByRole('link', { name: 'Staff' })).toHaveCount(0)
    await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0)
    await expect(page.getByTestId('admin-user')).toHaveText('Signed in as Vic Viewer, Viewer')

    for (const url of ['/admin/staff', '/admin/audit']) {
      const response = await page.goto(url)
      expect(response?.status(), url).toBe(403)
      await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible()
    }
    const csrf = await withDatabase(async (sql) => {
      const [row] = await sql<{ csrf_token: string }[]>`
        select s.csrf_token from staff_sessions s join staff_users u on u.id = s.staff_user_id
        where u.email = ${email}`
      return row!.csrf_token
    })
    // Neither without the form token, nor with it: a viewer's session is not an admin's.
    const staffUserId = '00000000-0000-4000-8000-000000000000'
    const forms: Record<string, string>[] = [
      { intent: 'enable', staffUserId },
      { intent: 'enable', staffUserId, csrf },
    ]
    for (const form of forms) {
      const response = await page.request.post('/admin/staff', { form })
      expect(response.status()).toBe(403)
    }
  })

  test('a wrong password shows an error that does not say whether the account exists; the page passes axe', async ({
    page,
  }, testInfo) => {
    await page.goto('/admin/login')
    await expect(
      page.getByRole('heading', { name: 'Sign in to the campaign console' }),
    ).toBeVisible()
    await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex')
    expect(await axeViolations(page)).toEqual([])

    const email = uniqueEmail(testInfo, 'wrong')
    await choosePassword(page, await createStaffWithLink(email, 'editor', 'Wren Wrong'))
    await signOut(page)

    const message =
      'The email address or the password is not right. After 5 failed attempts, signing in to an account is paused for 15 minutes.'
    await signIn(page, email, 'not my password at all')
    const summary = page.getByRole('alert')
    await expect(summary).toContainText(message)
    await expect(page).toHaveURL(/\/admin\/login/)
    await expect(page.getByLabel('Email address')).toHaveValue(email)
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
    expect(await axeViolations(page)).toEqual([])

    await signIn(page, `nobody.${email}`, 'not my password at all')
    await expect(page.getByRole('alert')).toContainText(message)
  })

  test('a forgotten password is reset from an emailed link, which then stops working', async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'reset')
    await choosePassword(page, await createStaffWithLink(email, 'editor', 'Rosa Reset'))
    await signOut(page)

    await page.getByRole('link', { name: 'Forgotten your password?' }).click()
    await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Email me a link' }).click()
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()

    const mail = await waitForMail(email, { subject: /Reset your Vigil console password/ })
    const link = linkIn(mail, '/admin/set-password/')
    const newPassword = 'another long passphrase, just as good'
    await choosePassword(page, link, newPassword)
    await expect(page.getByTestId('admin-user')).toHaveText('Signed in as Rosa Reset, Editor')
    await signOut(page)

    await signIn(page, email, STAFF_PASSWORD)
    await expect(page.getByRole('alert')).toContainText('not right')
    await signIn(page, email, newPassword)
    await expect(page).toHaveURL(/\/admin$/)

    await page.goto(link)
    await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible()
  })
})
