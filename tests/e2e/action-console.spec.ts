// The campaign console as a campaign manager uses it against the clock: the first admin, made on
// the command line, drafts a case with its photo, the official to write to and the model letter
// (its preview following the typing), launches it and sees it go public; an editor posts an update
// that lands on the public timeline and runs the case until it closes.
import fs from 'node:fs'
import path from 'node:path'
import { hash } from '@node-rs/argon2'
import type { Page, Request, TestInfo } from '@playwright/test'
import sharp from 'sharp'
import { axeViolations, expect, test } from './support/fixtures.ts'
import { waitForMail, withDatabase } from './support/mail.ts'
import { choosePassword, createStaffWithLink, STAFF_PASSWORD } from './support/staff.ts'

function uniqueEmail(testInfo: TestInfo, label: string) {
  return `${label}.${testInfo.project.name}.${Date.now()}@example.org`
}

/** Signs in from the login page with the keyboard alone: type, Tab, type, Enter. */
async function signIn(page: Page, email: string) {
  await page.goto('/admin/login')
  await page.getByLabel('Email address').focus()
  await page.keyboard.type(email)
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused()
  await page.keyboard.type(STAFF_PASSWORD)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/admin$/)
}

/** Signs in as a new member of staff with `role`, made straight in the database. */
async function signInAsNew(
  page: Page,
  testInfo: TestInfo,
  role: 'viewer' | 'editor',
  name: string,
) {
  const email = uniqueEmail(testInfo, role)
  const passwordHash = await hash(STAFF_PASSWORD)
  await withDatabase(
    (sql) => sql`
      insert into staff_users (email, name, role, password_hash)
      values (${email}, ${name}, ${role}, ${passwordHash})`,
  )
  await signIn(page, email)
}

/** The seeded case (db/seed.ts). */
async function seededActionId() {
  const [row] = await withDatabase(
    (sql) => sql<{ id: string }[]>`select id from actions where slug = 'free-amara-kessely'`,
  )
  return row!.id
}

/** A small PNG with EXIF data, made on the fly. */
function photo() {
  return sharp({
    create: { width: 120, height: 80, channels: 3, background: { r: 90, g: 120, b: 160 } },
  })
    .png()
    .toBuffer()
}

test.describe('campaign console', () => {
  // The other specs read the seeded actions: take away the cases this spec made.
  test.afterEach(async () => {
    await withDatabase(async (sql) => {
      await sql`delete from actions where at_risk_name like 'Yara Testcase %'`
    })
  })

  test('the first admin drafts an action with an authority and a letter, previews it as they type, launches it; an editor posts an update that appears publicly and runs it until it closes', async ({
    page,
    browser,
  }, testInfo) => {
    // A case's whole life, by two people: longer than one page's test.
    test.setTimeout(120_000)
    const email = uniqueEmail(testInfo, 'ana-admin')
    const suffix = `${testInfo.project.name}-${Date.now().toString(36)}`
    const atRiskName = `Yara Testcase ${suffix}`
    const title = `Community health worker detained ${suffix}`
    let photoPath: string | null = null

    try {
      // The first admin, made on the command line, chooses a password from the printed link,
      // which signs them in.
      await choosePassword(page, await createStaffWithLink(email, 'admin', 'Ana Admin'))

      // Draft the case.
      await page.getByRole('link', { name: 'New action' }).click()
      await expect(page.getByRole('heading', { name: 'New action', level: 1 })).toBeVisible()
      // A first try with the name missing: the problem is shown, and nothing typed is lost.
      await page.getByLabel('Title', { exact: true }).fill(title)
      await page.getByLabel('Demands').fill('Release her immediately and unconditionally')
      await page.getByRole('button', { name: 'Create the draft' }).click()
      await expect(page.getByRole('alert')).toContainText('Enter the name of the person or group')
      await expect(page.getByLabel('Title', { exact: true })).toHaveValue(title)
      await expect(page.getByLabel('Name of the person or group')).toHaveAttribute(
        'aria-invalid',
        'true',
      )
      expect(await axeViolations(page)).toEqual([])

      await page.getByLabel('A person', { exact: true }).check()
      await page.getByLabel('Name of the person or group').fill(atRiskName)
      await page.getByLabel('Who they are').fill('A fictional community health worker.')
      await page.getByLabel('Title', { exact: true }).fill(title)
      await page
        .getByLabel('Summary')
        .fill('Arrested after speaking about a cholera outbreak; held without charge.')
      await page.getByLabel('Country').selectOption('KE')
      await page.getByLabel('Arbitrary detention').check()
      await page
        .getByLabel('What happened')
        .fill('She was arrested at the clinic on **3 May**.\n\nShe has not seen a lawyer.')
      await page
        .getByLabel('Demands')
        .fill('Release her immediately and unconditionally\nGive her access to a lawyer')
      await page.getByLabel('Deadline').fill('2099-06-30')
      await page.getByLabel('Photo', { exact: true }).setInputFiles({
        name: 'portrait.png',
        mimeType: 'image/png',
        buffer: await photo(),
      })
      await page.getByLabel('Description of the photo').fill('Yara smiling outside the clinic')
      await page.getByRole('button', { name: 'Create the draft' }).click()

      await expect(page).toHaveURL(/\/admin\/actions\/[0-9a-f-]+\/authorities\?created=1$/)
      await expect(page.getByRole('status')).toContainText('Draft created')
      const actionUrl = page.url().replace(/\/authorities\?created=1$/, '')
      await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()

      // The official to write to.
      const add = page.getByRole('region', { name: 'Add an authority' })
      await add.getByLabel('Name').fill('Hon. Amos Fictional')
      await add.getByLabel('Title or office').fill('Cabinet Secretary for Interior')
      await add.getByLabel('Salutation').fill('Dear Cabinet Secretary')
      await add.getByLabel('Email address').fill('cs@interior.example')
      await add.getByRole('button', { name: 'Add authority' }).click()
      await expect(page.getByRole('status')).toContainText('Authority added')
      await expect(page.getByRole('heading', { name: 'Hon. Amos Fictional' })).toBeVisible()

      // The model letter. The preview follows the typing, checked as a save would check it: an
      // unknown placeholder shows up at once, and markup stays text.
      await page
        .getByRole('navigation', { name: 'This action' })
        .getByRole('link', { name: 'Letter' })
        .click()
      const preview = page.getByTestId('letter-preview')
      const previewStatus = page.getByTestId('letter-preview-status')
      await expect(previewStatus).toHaveAttribute('aria-live', 'polite')
      await expect(previewStatus).toHaveText(
        'No letter yet. Write one and save it to see the preview.',
      )
      // A preview changes nothing: none of the page's loaders (the session, the action) runs
      // again after one.
      const reloads: string[] = []
      const countReloads = (request: Request) => {
        // Loaders are read again with one GET of the page's `.data` URL (single fetch).
        if (request.method() === 'GET' && new URL(request.url()).pathname.endsWith('.data'))
          reloads.push(request.url())
      }
      page.on('request', countReloads)
      await page.getByLabel('Subject').fill('Release {{action.atRiskName}}')
      await expect(previewStatus).toHaveText(
        'Write a subject and a letter to see the preview here.',
      )
      const letterField = page.getByLabel('Letter', { exact: true })
      const opening =
        '{{authority.salutation}},\n\nI am writing about {{action.atRiskName}}, detained for her work.\n\n<img src=x onerror=alert(1)>\n\n'
      await letterField.fill(opening)
      // The last line typed key by key, as the preview meets it.
      await letterField.press('Control+End')
      await page.keyboard.type('{{supporter.mesage}}')
      await expect(preview).toContainText(`Release ${atRiskName}`)
      await expect(preview).toContainText('Dear Cabinet Secretary,')
      await expect(preview).toContainText(`I am writing about ${atRiskName}`)
      await expect(preview).toContainText('{{supporter.mesage}}')
      await expect(preview).toContainText('<img src=x onerror=alert(1)>')
      await expect(preview.locator('img')).toHaveCount(0)
      await expect(previewStatus).toContainText('Not saved yet')
      await expect(previewStatus).toContainText(
        'Left as typed, because nobody could fill them: {{supporter.mesage}}.',
      )
      await expect(page.getByText('{{supporter.mesage}}. Correct or remove them.')).toBeVisible()
      await expect(letterField).toHaveAttribute('aria-invalid', 'true')
      // Typing on was not interrupted: the field kept its focus through every preview.
      await expect(letterField).toBeFocused()
      page.off('request', countReloads)
      expect(reloads).toEqual([])

      // Saving it anyway is refused, listed, and nothing typed is lost.
      const typed = await letterField.inputValue()
      await page.getByRole('button', { name: 'Save the letter' }).click()
      await expect(page.getByRole('alert')).toContainText(
        'The letter uses placeholders that do not exist.',
      )
      await expect(page.getByText('{{supporter.mesage}}. Correct or remove them.')).toBeVisible()
      await expect(letterField).toHaveValue(typed)

      // Corrected, the problem goes away as it is typed.
      await letterField.fill(
        `${opening.replace('<img src=x onerror=alert(1)>\n\n', '')}{{supporter.message}}\n\n{{supporter.fullName}}`,
      )
      await expect(preview).toContainText('Alex Sample')
      await expect(preview).toContainText('I have followed this case with great concern')
      await expect(preview).not.toContainText('{{')
      await expect(previewStatus).toHaveText(
        'Not saved yet: the letter as typed, for a sample supporter. Written to Hon. Amos Fictional.',
      )
      await expect(letterField).not.toHaveAttribute('aria-invalid')
      await expect(page.getByText('Correct or remove them.')).toHaveCount(0)

      // Without JavaScript, the button previews instead.
      const noScript = await browser.newContext({
        javaScriptEnabled: false,
        storageState: await page.context().storageState(),
      })
      const plain = await noScript.newPage()
      await plain.goto(page.url())
      await plain.getByLabel('Subject').fill('Free {{action.atRiskName}}')
      await plain.getByLabel('Letter', { exact: true }).fill('{{authority.salutation}}, free her.')
      await plain.getByRole('button', { name: 'Preview without saving' }).click()
      await expect(plain.getByTestId('letter-preview')).toContainText(`Free ${atRiskName}`)
      await expect(plain.getByTestId('letter-preview')).toContainText(
        'Dear Cabinet Secretary, free her.',
      )
      await noScript.close()

      // Saved from the keyboard.
      await page.getByRole('button', { name: 'Save the letter' }).focus()
      await page.keyboard.press('Enter')
      await expect(page.getByRole('status')).toContainText('Letter saved')
      await expect(previewStatus).toContainText('The saved letter, for a sample supporter.')
      await expect(preview).toContainText(`I am writing about ${atRiskName}`)

      expect(await axeViolations(page)).toEqual([])

      await page.getByRole('button', { name: 'Send me a test' }).click()
      await expect(page.getByRole('status')).toContainText('Test letter on its way')
      const testMail = await waitForMail(email, { subject: /^Test letter: / })
      expect(testMail.subject).toBe(`Test letter: Release ${atRiskName}`)
      expect(testMail.text).toContain('Dear Cabinet Secretary,')

      // The action editor, with its photo, is accessible.
      await page
        .getByRole('navigation', { name: 'This action' })
        .getByRole('link', { name: 'Details' })
        .click()
      const img = page.getByRole('img', { name: 'Yara smiling outside the clinic' })
      await expect(img).toBeVisible()
      photoPath = ((await img.getAttribute('src')) ?? '').replace('/media/', '')
      const media = await page.request.get(`/media/${photoPath}`)
      expect(media.headers()['content-type']).toBe('image/jpeg')
      expect(media.headers()['x-content-type-options']).toMatch(/^nosniff/)
      expect(await axeViolations(page)).toEqual([])

      // Launch.
      await page
        .getByRole('navigation', { name: 'This action' })
        .getByRole('link', { name: 'Overview' })
        .click()
      await page.getByRole('button', { name: 'Launch this action' }).click()
      await expect(page.getByRole('status')).toContainText(/Launched as UA \d{3}\/\d{2}/)
      const reference = (await page.locator('.console-action-header .reference').textContent())!
      expect(reference).toMatch(/^UA \d{3}\/\d{2}$/)
      expect(page.url()).toContain(actionUrl)
      expect(await axeViolations(page)).toEqual([])

      // A visitor, not signed in, finds it among the actions.
      const visitorContext = await browser.newContext()
      const visitor = await visitorContext.newPage()
      await visitor.goto(`/actions?q=${encodeURIComponent(atRiskName)}`)
      await visitor.getByRole('link', { name: atRiskName }).click()
      await expect(visitor.getByRole('heading', { name: title, level: 1 })).toBeVisible()
      await expect(visitor.getByText(reference, { exact: true }).first()).toBeVisible()
      await expect(visitor.getByText('No updates yet.')).toBeVisible()

      // The admin hands over to an editor, made on the command line too, who finds the case on
      // the overview and posts an update: drafted, previewed and published.
      await page.getByRole('button', { name: 'Sign out' }).click()
      await expect(page).toHaveURL(/\/admin\/login$/)
      const editorEmail = uniqueEmail(testInfo, 'edna-editor')
      await choosePassword(page, await createStaffWithLink(editorEmail, 'editor', 'Edna Editor'))
      await expect(page.getByTestId('admin-user')).toHaveText('Signed in as Edna Editor, Editor')
      await page.getByRole('link', { name: title }).click()
      await page
        .getByRole('navigation', { name: 'This action' })
        .getByRole('link', { name: 'Updates' })
        .click()
      await page.getByLabel('Title', { exact: true }).fill('Moved to a prison far from her family')
      await page
        .getByLabel('Text')
        .fill('She was moved on **Tuesday**. Please keep writing.\n\n<script>alert(1)</script>')
      await page.getByRole('button', { name: 'Preview', exact: true }).click()
      await expect(
        page.getByRole('region', { name: 'Preview (not saved)' }).locator('strong'),
      ).toHaveText('Tuesday')
      await page.getByRole('button', { name: 'Save draft' }).click()
      await expect(page.getByRole('status')).toContainText('Draft saved')
      const drafts = page.getByRole('region', { name: 'Drafts' })
      await drafts.getByRole('button', { name: 'Publish' }).click()
      await expect(page.getByRole('status')).toContainText('Published')
      const published = page.getByRole('region', { name: 'Published' })
      await expect(published).toContainText(`${reference} update 1`)
      await expect(published.getByTestId('fanout')).toContainText(/Emailed to followers: /)
      expect(await axeViolations(page)).toEqual([])

      await visitor.reload()
      const timeline = visitor.getByRole('region', { name: 'Updates' })
      await expect(timeline).toContainText(`${reference} update 1`)
      await expect(
        timeline.getByRole('heading', { name: 'Moved to a prison far from her family' }),
      ).toBeVisible()

      // Running the live action: a copy to the embassy, moved to the top; a corrected summary.
      const nav = page.getByRole('navigation', { name: 'This action' })
      await nav.getByRole('link', { name: 'Authorities' }).click()
      await add.getByLabel('Role').selectOption('copy')
      await add.getByLabel('Name').fill('Embassy of Kenya')
      await add.getByLabel('Title or office').fill('Ambassador')
      await add.getByLabel('Salutation').fill('Your Excellency')
      await add.getByLabel('Postal address').fill('1 Embassy Road\nSomewhere')
      await add.getByRole('button', { name: 'Add authority' }).click()
      await expect(page.getByRole('status')).toContainText('Authority added')
      await page.getByRole('button', { name: 'Move up: Embassy of Kenya' }).click()
      await expect(page.getByRole('status')).toContainText('Order changed')
      await expect(page.locator('.console-authority h4').first()).toContainText('Embassy of Kenya')

      await nav.getByRole('link', { name: 'Details' }).click()
      await page.getByLabel('Summary').fill('Held without charge since 3 May for speaking out.')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await expect(page.getByRole('status')).toContainText('Saved')
      await visitor.reload()
      await expect(visitor.getByText('Held without charge since 3 May')).toBeVisible()

      // The family asks for quiet: pause, then resume.
      await nav.getByRole('link', { name: 'Overview' }).click()
      // A reason the form refuses (a control character pasted in) is announced, not just marked.
      await page.getByLabel(/^Reason/).fill('Family asked\u0007')
      await page.getByRole('button', { name: 'Pause this action' }).click()
      await expect(page.getByRole('alert')).toBeFocused()
      await expect(page.getByRole('alert')).toContainText('Remove the control characters')
      await page.getByLabel(/^Reason/).fill('Family asked us to wait for the hearing')
      await page.getByRole('button', { name: 'Pause this action' }).click()
      await expect(page.getByRole('status')).toContainText('Paused.')
      await visitor.reload()
      await expect(visitor.getByRole('heading', { name: 'Action paused' })).toBeVisible()
      await page.getByRole('button', { name: 'Resume this action' }).click()
      await expect(page.getByRole('status')).toContainText('Resumed.')

      // The signatures so far, for hand-over (none confirmed yet: just the header), downloaded
      // from the keyboard while the console stays open.
      const downloading = page.waitForEvent('download')
      await page.getByRole('link', { name: 'Download as CSV (spreadsheet)' }).focus()
      await page.keyboard.press('Enter')
      const download = await downloading
      expect(download.suggestedFilename()).toMatch(/^ua-\d{3}-\d{2}-signatures\.csv$/)
      expect(
        (await fs.promises.readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, ''),
      ).toBe(
        'Reference,Signed at,Confirmed at,First name,Last name,Email,Country,Personal message\n',
      )
      await expect(page.getByRole('heading', { name: 'Export signatures' })).toBeVisible()
      const csv = await page.request.get(`${actionUrl}/export.csv`)
      expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8')

      // She is released: close with the outcome.
      await page.getByLabel('Outcome').selectOption('released')
      await page.getByLabel('Public note').fill('Released on bail. Thank you for writing.')
      await page.getByRole('button', { name: 'Close this action' }).click()
      await expect(page.getByRole('status')).toContainText('Closed.')
      await expect(nav.getByRole('link', { name: 'Details' })).toHaveCount(0)
      await visitor.reload()
      await expect(visitor.getByRole('heading', { name: 'This action is closed' })).toBeVisible()
      const closedNotice = visitor.getByRole('region', { name: 'This action is closed' })
      await expect(closedNotice.getByText('Released on bail. Thank you for writing.')).toBeVisible()
      // The outcome is also the case's last update, emailed to its followers.
      const finalUpdate = visitor
        .getByRole('region', { name: 'Updates' })
        .getByRole('article')
        .first()
      await expect(finalUpdate).toContainText(`${reference} update 2`)
      await expect(finalUpdate.getByRole('heading', { name: 'Released' })).toBeVisible()
      await expect(finalUpdate).toContainText('Released on bail. Thank you for writing.')
      await visitorContext.close()
    } finally {
      // The upload directory is the app's own; leave nothing behind.
      if (photoPath && /^[a-f0-9]{32}\.jpg$/.test(photoPath)) {
        fs.rmSync(path.join(process.cwd(), '.data', 'uploads', photoPath), { force: true })
      }
    }
  })

  test('a viewer sees the numbers but cannot open the editor or launch', async ({
    page,
  }, testInfo) => {
    await signInAsNew(page, testInfo, 'viewer', 'Vic Viewer')
    await expect(page.getByRole('link', { name: 'New action' })).toHaveCount(0)
    const id = await seededActionId()
    await page.goto(`/admin/actions/${id}`)
    await expect(
      page.getByRole('heading', { name: 'Signatures', exact: true, level: 2 }),
    ).toBeVisible()
    await expect(page.getByRole('img', { name: 'Signatures per day, last 30 days' })).toBeVisible()
    // The chart's numbers are also a table, for anyone who cannot see the bars.
    await page.getByText('The same numbers as a table').click()
    await expect(
      page.getByRole('table', { name: 'Signatures per day, last 30 days' }),
    ).toBeVisible()
    await expect(page.getByRole('link', { name: 'Details' })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Pause this action' })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Close this action' })).toHaveCount(0)
    const edit = await page.request.get(`/admin/actions/${id}/edit`)
    expect(edit.status()).toBe(403)
    const csv = await page.request.get(`/admin/actions/${id}/export.csv`)
    expect(csv.status()).toBe(403)
  })

  test("two editors on one action: a save from a page opened before the other's save is refused, what was typed stays, and saving again replaces theirs", async ({
    page,
    context,
  }, testInfo) => {
    await signInAsNew(page, testInfo, 'editor', 'Edda Editor')
    const [action] = await withDatabase(
      (sql) => sql<{ id: string; location: string }[]>`select id, location from actions
        where status = 'active' and slug <> 'free-amara-kessely' order by slug limit 1`,
    )
    const editUrl = `/admin/actions/${action!.id}/edit`
    const other = await context.newPage()
    await page.goto(editUrl)
    await other.goto(editUrl)

    await page.getByLabel(/^Place/).fill('Where the first editor put it')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.getByRole('status')).toContainText('Saved.')

    await other.getByLabel(/^Place/).fill('Where the second editor put it')
    await other.getByRole('button', { name: 'Save changes' }).click()
    const refusal = other.getByRole('alert')
    await expect(refusal).toContainText('Someone else saved changes to this action')
    await expect(refusal).toBeFocused()
    await expect(other.getByLabel(/^Place/)).toHaveValue('Where the second editor put it')
    expect(await axeViolations(other)).toEqual([])

    await other.getByRole('button', { name: 'Save changes' }).click()
    await expect(other.getByRole('status')).toContainText('Saved.')
    await expect(other.getByLabel(/^Place/)).toHaveValue('Where the second editor put it')
    // As it was, for the other tests.
    await other.getByLabel(/^Place/).fill(action!.location)
    await other.getByRole('button', { name: 'Save changes' }).click()
    await expect(other.getByRole('status')).toContainText('Saved.')
  })

  test('an export refused while as many run as may says why, and the next try downloads', async ({
    page,
  }, testInfo) => {
    await signInAsNew(page, testInfo, 'editor', 'Ezra Exporter')
    const id = await seededActionId()
    await page.goto(`/admin/actions/${id}`)
    const csvLink = page.getByRole('link', { name: 'Download as CSV (spreadsheet)' })

    // Two exports running elsewhere hold both slots (EXPORT_CONCURRENCY, 2 by default).
    await withDatabase(async (sql) => {
      await sql`select pg_advisory_lock(hashtext('vigil-export'), 0),
                       pg_advisory_lock(hashtext('vigil-export'), 1)`
      await csvLink.focus()
      await page.keyboard.press('Enter')
      const notice = page.getByRole('alert')
      await expect(notice).toContainText('Nothing was exported. Try again in a minute or two.')
      await expect(notice).toBeFocused()
      // Out of the address: a reload does not say it again.
      await expect(page).toHaveURL(new RegExp(`/admin/actions/${id}$`))
      expect(await axeViolations(page)).toEqual([])
      await page.reload()
      await expect(csvLink).toBeVisible()
      await expect(page.getByRole('alert')).toHaveCount(0)
      await csvLink.click()
      await expect(page.getByRole('alert')).toContainText('Nothing was exported.')
    })

    // They have ended: the next try downloads, and the notice goes.
    const downloading = page.waitForEvent('download')
    await csvLink.click()
    expect((await downloading).suggestedFilename()).toMatch(/-signatures\.csv$/)
    await expect(page.getByRole('alert')).toHaveCount(0)
  })
})
