// The supporter journey as a person on a phone or a laptop lives it: read, sign with the keyboard,
// confirm from the email, see the count, sign again, unsubscribe, and erase their data.
import type { Page, TestInfo } from '@playwright/test'
import { axeViolations, expect, test } from './support/fixtures.ts'
import { linkIn, mailTo, waitForMail, withDatabase } from './support/mail.ts'
import { SUPPORTER_FORM_URL } from '#app/utils/supporter-form-fast-path.server.ts'

const ACTION = '/actions/free-amara-kessely'

function uniqueEmail(testInfo: TestInfo, label: string) {
  return `${label}.${testInfo.project.name}.${Date.now()}@example.org`
}

async function signatureCount(page: Page) {
  const text = (await page.getByTestId('signature-count').textContent()) ?? ''
  return Number(text.match(/^([\d,]+)/)![1]!.replace(/,/g, ''))
}

/** Moves focus with Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, isTarget: () => Promise<boolean>, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await isTarget()) return
  }
  throw new Error('Could not reach the element with the keyboard')
}

/** Fills the sign form with the keyboard only, from the "Sign now" link at the top. */
async function signWithKeyboard(
  page: Page,
  person: { first: string; last: string; email: string },
) {
  const signNow = page.getByRole('link', { name: 'Sign now' })
  await tabTo(page, () => signNow.evaluate((el) => el === document.activeElement))
  await page.keyboard.press('Enter')
  const firstName = page.getByLabel('First name')
  await tabTo(page, () => firstName.evaluate((el) => el === document.activeElement))
  await page.keyboard.type(person.first)
  await page.keyboard.press('Tab')
  await page.keyboard.type(person.last)
  await page.keyboard.press('Tab')
  await page.keyboard.type(person.email)
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Country')).toBeFocused()
  await page.keyboard.type('Spain')
  await page.keyboard.press('Tab')
  await page.keyboard.type('Please act quickly.')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel(/I sign this action/)).toBeFocused()
  await page.keyboard.press('Space')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Email me updates on this case')).toBeFocused()
  await page.keyboard.press('Space')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  await expect(page.getByRole('button', { name: 'Sign and send' })).toBeFocused()
  await page.keyboard.press('Enter')
}

test.describe('signing an urgent action', () => {
  test('sign with the keyboard, confirm from the email, and the count goes up by one', async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'ana')
    await page.goto(ACTION)
    const before = await signatureCount(page)

    const posted = page.waitForRequest((request) => request.method() === 'POST')
    await signWithKeyboard(page, { first: 'Ana', last: 'Ruiz', email })
    await expect(page).toHaveURL(/\/actions\/free-amara-kessely\/check-email#main$/)
    // The browser's post is one the server answers on its fast path, as a surge needs.
    const request = await posted
    const { pathname, search } = new URL(request.url())
    expect(pathname + search).toMatch(SUPPORTER_FORM_URL)
    expect(request.headers()['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()

    const confirmation = await waitForMail(email)
    expect(confirmation.subject).toBe(
      'Please confirm your signature: Journalist detained for reporting on floods',
    )
    const confirmUrl = linkIn(confirmation, '/confirm/')

    // Opening the link (as a mail scanner would) confirms nobody.
    await page.goto(confirmUrl)
    await page.goto(ACTION)
    expect(await signatureCount(page)).toBe(before)

    const confirmPage = await page.goto(confirmUrl)
    expect(confirmPage!.headers()['cache-control']).toBe('private, no-store')
    // The page shows what its button confirms: anyone can type an address.
    const details = page.getByRole('region', { name: 'What you are confirming' })
    await expect(details).toContainText('Ana Ruiz')
    expect(await axeViolations(page)).toEqual([])
    const confirm = page.getByRole('button', { name: 'Confirm my signature' })
    await confirm.focus()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/\/actions\/free-amara-kessely\/thank-you$/)
    await expect(page.getByRole('heading', { name: /your signature is confirmed/ })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    await page.goto(ACTION)
    expect(await signatureCount(page)).toBe(before + 1)

    // The same link again, or the same address in other letter case, counts nothing more.
    await page.goto(confirmUrl)
    await expect(
      page.getByRole('heading', { name: 'Your signature is already confirmed' }),
    ).toBeVisible()
    await page.goto(ACTION)
    await page.getByLabel('First name').fill('Ana')
    await page.getByLabel('Last name').fill('Ruiz')
    await page
      .getByLabel('Email address', { exact: true })
      .first()
      .fill(`  ${email.toUpperCase()} `)
    await page.getByLabel('Country').selectOption('ES')
    await page.getByLabel(/I sign this action/).check()
    await page.getByRole('button', { name: 'Sign and send' }).click()
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
    // Confirming sent a thank-you; signing again sends "already signed", and counts nothing.
    const thanks = await waitForMail(email, { subject: /^Thank you for acting for Amara Kessely$/ })
    expect(thanks.text).toContain('Dear Attorney General')
    const again = await waitForMail(email, { subject: /^You have already signed/ })
    expect(again.text).toContain('Your signature was already counted, once')
    await page.goto(ACTION)
    expect(await signatureCount(page)).toBe(before + 1)
  })

  test('mistakes are shown beside each field and in a summary that gets focus, and nothing is stored', async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'mistake')
    await page.goto(ACTION)
    await page.getByLabel('First name').fill('<script>alert(1)</script>')
    await page.getByLabel('Last name').fill('Ruiz')
    await page.getByLabel('Email address', { exact: true }).first().fill(`${email}@@`)
    await page.getByLabel('Your own message (optional)').fill('Free her <b>now</b>')
    await page.getByRole('button', { name: 'Sign and send' }).click()

    const summary = page.getByRole('alert').filter({ hasText: 'problems with what you entered' })
    await expect(summary).toBeFocused()
    await expect(summary.getByRole('link')).toHaveText([
      'Your first name cannot contain < or > or control characters.',
      'Enter an email address like name@example.org.',
      'Choose your country.',
      'Your message cannot contain HTML or control characters. Plain words only, please.',
      'Tick the box to sign and send the letter in your name.',
    ])
    await expect(page.getByLabel('First name')).toHaveValue('<script>alert(1)</script>')
    await expect(page.getByLabel('First name')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByLabel('Last name')).toHaveValue('Ruiz')
    expect(await axeViolations(page)).toEqual([])

    const stored = await withDatabase(
      (sql) => sql`select count(*)::int as n from supporters where email ilike ${`${email}%`}`,
    )
    expect(stored[0]!.n).toBe(0)
  })

  test('a closed action shows its outcome and no form', async ({ page }) => {
    await page.goto('/actions')
    const closed = page.getByRole('article').filter({ hasText: 'Released' }).first()
    await closed.getByRole('link').click()
    await expect(page.getByRole('heading', { name: 'This action is closed' })).toBeVisible()
    await expect(
      page
        .getByRole('region', { name: 'This action is closed' })
        .getByText('Released', { exact: true }),
    ).toBeVisible()
    await expect(page.getByRole('button', { name: 'Sign and send' })).toHaveCount(0)
  })

  test('the action page has no accessibility violations and fits a 360 px screen', async ({
    page,
  }) => {
    await page.goto(ACTION)
    expect(await axeViolations(page)).toEqual([])
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute(
      'content',
      'Journalist detained for reporting on floods',
    )
  })
})

test.describe('staying in control', () => {
  test("someone else's signature made with my address is cancelled from its link, and nothing is counted", async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'notme')
    await page.goto(ACTION)
    const before = await signatureCount(page)
    await signWithKeyboard(page, { first: 'Mallory', last: 'Other', email })
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()

    await page.goto(linkIn(await waitForMail(email), '/confirm/'))
    await expect(page.getByRole('region', { name: 'What you are confirming' })).toContainText(
      'Mallory Other',
    )
    const cancel = page.getByRole('button', { name: 'Cancel this signature' })
    await cancel.focus()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'This signature is cancelled' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])
    await page.goto(ACTION)
    expect(await signatureCount(page)).toBe(before)
  })

  test('one-click unsubscribe by POST stops updates on the case', async ({
    page,
    request,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'unsub')
    await page.goto(ACTION)
    await page.getByLabel('Email address', { exact: true }).last().fill(email)
    await page.getByLabel('Email me every update on this case until I unsubscribe.').check()
    await page.getByRole('button', { name: 'Follow this case' }).click()
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
    const followMail = await waitForMail(email)
    await page.goto(linkIn(followMail, '/follow/'))
    await page.getByRole('button', { name: 'Yes, send me updates' }).click()
    await expect(page.getByRole('heading', { name: 'You are following this case' })).toBeVisible()

    const unsubscribeUrl = followMail.headerValue('List-Unsubscribe')!.match(/<(http[^>]+)>/)![1]!
    expect(followMail.headerValue('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')

    // Opening the link shows a button and changes nothing.
    await page.goto(unsubscribeUrl)
    await expect(page.getByRole('button', { name: 'Stop emails about this case' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])
    const followStatus = () =>
      withDatabase(
        (sql) => sql`
          select f.status from follows f join supporters s on s.id = f.supporter_id
          where s.email = ${email}`,
      ).then((rows) => rows[0]!.status as string)
    expect(await followStatus()).toBe('active')

    // What a mail client does for RFC 8058: a POST, no cookies.
    const response = await request.post(unsubscribeUrl, {
      form: { 'List-Unsubscribe': 'One-Click' },
    })
    expect(response.status()).toBe(200)
    expect(await followStatus()).toBe('unsubscribed')

    // An update written after the unsubscribe is never sent.
    const updateId = await withDatabase(async (sql) => {
      const [row] = await sql`
        insert into email_outbox (idempotency_key, template, to_address, payload, transactional, action_id, supporter_id)
        select ${`update-after-unsubscribe:${email}`}, 'action-update', s.email,
          ${sql.json({
            reference: 'UA 001/26',
            sequence: 9,
            title: 'Should not arrive',
            atRiskName: 'Amara Kessely',
            bodyHtml: '<p>News</p>',
            actionUrl: 'http://localhost/actions/free-amara-kessely',
          })}, false, f.action_id, s.id
        from supporters s join follows f on f.supporter_id = s.id where s.email = ${email}
        returning id`
      await sql`select pg_notify('vigil_outbox', '')`
      return row!.id as string
    })
    await expect
      .poll(() =>
        withDatabase((sql) => sql`select status from email_outbox where id = ${updateId}`).then(
          (r) => r[0]!.status,
        ),
      )
      .toBe('cancelled')
    expect((await mailTo(email)).map((m) => m.subject)).not.toContain(
      'UA 001/26 update 9: Should not arrive',
    )
  })

  test('a supporter sees their data, downloads it, and erases it, leaving nothing personal behind', async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'erase')
    await page.goto(ACTION)
    await page.getByLabel('First name').fill('Zorione')
    await page.getByLabel('Last name').fill('Etxeberria')
    await page.getByLabel('Email address', { exact: true }).first().fill(email)
    await page.getByLabel('Country').selectOption('FR')
    await page
      .getByLabel('Your own message (optional)')
      .fill('Message from Zorione to the minister')
    await page.getByLabel(/I sign this action/).check()
    await page.getByRole('button', { name: 'Sign and send' }).click()
    await page.goto(linkIn(await waitForMail(email), '/confirm/'))
    await page.getByRole('button', { name: 'Confirm my signature' }).click()
    // Counted once the confirmation has landed, not while it is still on its way.
    await expect(page.getByRole('heading', { name: /your signature is confirmed/ })).toBeVisible()
    await page.goto(ACTION)
    const countBefore = await signatureCount(page)

    await page.goto('/my-data')
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Email me a link' }).click()
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
    const dataMail = await waitForMail(email, { subject: /Your data on Vigil/ })
    const dataPage = await page.goto(linkIn(dataMail, '/my-data/'))
    // Personal data: no browser or proxy keeps a copy.
    expect(dataPage!.headers()['cache-control']).toBe('private, no-store')
    await expect(page.getByText(email)).toBeVisible()
    await expect(
      page.getByText('Message from Zorione to the minister', { exact: false }),
    ).toBeVisible()

    const download = await page.request.get(`${page.url()}/download`)
    expect(download.headers()['content-disposition']).toContain('attachment')
    expect((await download.json()).profile.email).toBe(email)

    await page.getByRole('button', { name: 'Erase my data' }).click()
    await expect(
      page.getByText('Tick the box to confirm you want your data erased.').first(),
    ).toBeVisible()
    await page.getByLabel('I understand this cannot be undone.').check()
    await page.getByRole('button', { name: 'Erase my data' }).click()
    await expect(page.getByRole('heading', { name: 'Your data has been erased' })).toBeVisible()

    const leftovers = await withDatabase(async (sql) => {
      const found: string[] = []
      for (const table of [
        'supporters',
        'signatures',
        'follows',
        'email_outbox',
        'letters',
        'audit_log',
      ]) {
        const rows = await sql.unsafe(`select row_to_json(t)::text as row from ${table} t`)
        for (const { row } of rows as unknown as { row: string }[]) {
          if (/zorione|etxeberria|erase\./i.test(row) || row.includes(email))
            found.push(`${table}: ${row}`)
        }
      }
      return found
    })
    expect(leftovers).toEqual([])
    await page.goto(ACTION)
    expect(await signatureCount(page)).toBe(countBefore)
  })
})

test.describe('signing without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a mistake is shown and kept, then signing and confirming work and count once', async ({
    page,
  }, testInfo) => {
    const email = uniqueEmail(testInfo, 'nojs')
    await page.goto(ACTION)
    const before = await signatureCount(page)
    await page.getByLabel('First name').fill('Noor')
    await page.getByLabel('Last name').fill('Haddad')
    await page.getByLabel('Email address', { exact: true }).first().fill(email)
    await page.getByLabel('Country').selectOption('JO')
    // The consent is left unticked: the server answers with the error and keeps what was typed.
    await page.getByRole('button', { name: 'Sign and send' }).click()
    await expect(page.getByText('There is 1 problem with what you entered')).toBeVisible()
    await expect(
      page.getByText('Tick the box to sign and send the letter in your name.').first(),
    ).toBeVisible()
    await expect(page.getByLabel('First name')).toHaveValue('Noor')
    await page.getByLabel(/I sign this action/).check()
    await page.getByRole('button', { name: 'Sign and send' }).click()
    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()

    await page.goto(linkIn(await waitForMail(email), '/confirm/'))
    await page.getByRole('button', { name: 'Confirm my signature' }).click()
    await expect(page.getByRole('heading', { name: /your signature is confirmed/ })).toBeVisible()
    await page.goto(ACTION)
    expect(await signatureCount(page)).toBe(before + 1)
  })
})
