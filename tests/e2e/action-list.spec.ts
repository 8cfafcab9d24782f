import type { Locator, Page } from '@playwright/test'
import { axeViolations, expect, test } from './support/fixtures.ts'

// The seeded demo data: six open actions, three closed ones and one draft (Jairo Benavides
// Quintero, in Colombia), which must never be listed.
const OPEN = 6
const CLOSED = ['Salma Ben Rhouma', 'Golden Loom union committee', 'Alesia Hrynkevich']

/** Moves focus with the Tab key only, as a keyboard user does, until it reaches the target. */
async function tabTo(page: Page, target: Locator) {
  for (let presses = 0; presses < 30; presses++) {
    await page.keyboard.press('Tab')
    if (await target.evaluate((element) => element === document.activeElement)) return
  }
  throw new Error(`Could not reach ${target.toString()} with the Tab key`)
}

const cardNames = (page: Page) =>
  page.getByRole('article').getByRole('heading', { level: 3 }).allTextContents()

test.describe('actions list', () => {
  test('lists every public action, open ones first, then closed ones with their outcome', async ({
    page,
  }) => {
    await page.goto('/')
    await page.getByRole('link', { name: 'See all urgent actions' }).click()
    await expect(page).toHaveURL(/\/actions$/)
    await expect(page).toHaveTitle('Urgent actions · Vigil')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Urgent actions')
    await expect(page.getByRole('heading', { level: 2, name: '9 actions found' })).toBeVisible()

    const cards = page.getByRole('article')
    await expect(cards).toHaveCount(OPEN + CLOSED.length)
    expect((await cardNames(page)).slice(OPEN)).toEqual(CLOSED)
    await expect(page.getByText('Jairo Benavides Quintero')).toHaveCount(0)

    // Open actions by deadline; closed ones say when they closed and how, not a deadline.
    const deadlines = (await cards.getByText(/^Act before /).allTextContents()).map((text) =>
      Date.parse(text.replace('Act before ', '')),
    )
    expect(deadlines).toHaveLength(OPEN)
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b))
    const salma = page.getByRole('article', { name: 'Salma Ben Rhouma' })
    await expect(salma.getByText(/^Closed on .+ · Released$/)).toBeVisible()
    await expect(salma.getByText(/^Act before /)).toHaveCount(0)
    await expect(
      page
        .getByRole('article', { name: 'Golden Loom union committee' })
        .getByText(/Charges dropped/),
    ).toBeVisible()

    // The country choices are the countries of public actions only.
    const country = page.getByLabel('Country')
    await expect(country.getByRole('option', { name: 'Tunisia' })).toHaveCount(1)
    await expect(country.getByRole('option', { name: 'Colombia' })).toHaveCount(0)
  })

  test('filters by theme, then by country, with the keyboard only', async ({ page }) => {
    await page.goto('/actions')

    const theme = page.getByLabel('Theme')
    await tabTo(page, theme)
    await page.keyboard.type('Death')
    await expect(theme).toHaveValue('death_threats')
    await tabTo(page, page.getByRole('button', { name: 'Show actions' }))
    await page.keyboard.press('Enter')

    await expect(page).toHaveURL(/theme=death_threats/)
    await expect(page.getByRole('heading', { name: '2 actions found' })).toBeVisible()
    expect((await cardNames(page)).sort()).toEqual(['Iracema Tupãwé', 'Marisol Ucles Barahona'])
    await expect(page.getByLabel('Theme')).toHaveValue('death_threats')

    // A new filter replaces the old one when the theme is set back to "All themes".
    await tabTo(page, page.getByLabel('Country'))
    await page.keyboard.type('Tunisia')
    await expect(page.getByLabel('Country')).toHaveValue('TN')
    await tabTo(page, page.getByLabel('Theme'))
    await page.keyboard.type('All')
    await expect(page.getByLabel('Theme')).toHaveValue('')
    await tabTo(page, page.getByRole('button', { name: 'Show actions' }))
    await page.keyboard.press('Enter')

    await expect(page).toHaveURL(/country=TN/)
    await expect(page.getByRole('heading', { name: '1 action found' })).toBeVisible()
    expect(await cardNames(page)).toEqual(['Salma Ben Rhouma'])
    await expect(page.getByLabel('Country')).toHaveValue('TN')

    await tabTo(page, page.getByRole('link', { name: 'Clear filters' }))
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/\/actions$/)
    await expect(page.getByRole('article')).toHaveCount(OPEN + CLOSED.length)
    await expect(page.getByLabel('Country')).toHaveValue('')
  })

  test('finds an action by the name of the person at risk, whatever the letter case', async ({
    page,
  }) => {
    await page.goto('/actions')
    const search = page.getByRole('searchbox', { name: 'Name or title' })
    await tabTo(page, search)
    await page.keyboard.type('kESSELY')
    await page.keyboard.press('Enter')

    await expect(page).toHaveURL(/q=kESSELY/)
    await expect(page.getByRole('heading', { name: '1 action found' })).toBeVisible()
    expect(await cardNames(page)).toEqual(['Amara Kessely'])
    await expect(search).toHaveValue('kESSELY')
  })

  test('shows only closed actions, most recently closed first', async ({ page }) => {
    await page.goto('/actions')
    await page.getByLabel('Status').selectOption({ label: 'Closed' })
    await page.getByRole('button', { name: 'Show actions' }).click()

    await expect(page.getByRole('heading', { name: '3 actions found' })).toBeVisible()
    expect(await cardNames(page)).toEqual(CLOSED)
    await expect(page.getByText(/^Closed on .+ · Sentenced$/)).toBeVisible()
  })

  test('a filter it does not recognise is ignored politely, and the list still shows', async ({
    page,
  }) => {
    const response = await page.goto('/actions?theme=nonsense&country=TN')
    expect(response?.status()).toBe(200)
    await expect(page.getByRole('status')).toHaveText(
      'We did not recognise that theme, so we ignored that filter.',
    )
    expect(await cardNames(page)).toEqual(['Salma Ben Rhouma'])
    await expect(page.getByLabel('Theme')).toHaveValue('')

    await page.goto(`/actions?q=${'a'.repeat(101)}`)
    await expect(page.getByRole('status')).toContainText('longer than 100 characters')
    await expect(page.getByRole('article')).toHaveCount(OPEN + CLOSED.length)
  })

  test('has no accessibility violations, with filters and a notice', async ({ page }) => {
    await page.goto('/actions')
    expect(await axeViolations(page)).toEqual([])
    await page.goto('/actions?status=closed&theme=nonsense')
    expect(await axeViolations(page)).toEqual([])
  })
})

test.describe('actions list without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the form still filters', async ({ page }) => {
    await page.goto('/actions')
    await page.getByLabel('Country').selectOption({ label: 'Nigeria' })
    await page.getByRole('button', { name: 'Show actions' }).click()

    await expect(page).toHaveURL(/country=NG/)
    expect(await cardNames(page)).toEqual(['Amara Kessely'])
  })
})
