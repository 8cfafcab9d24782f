import { axeViolations, expect, test } from './support/fixtures.ts'

test.describe('home page', () => {
  test('lists the active urgent actions, most urgent first, with their counts', async ({
    page,
  }) => {
    await page.goto('/')
    await expect(
      page.getByRole('heading', { level: 1, name: 'Act now for people at risk' }),
    ).toBeVisible()
    const cards = page.getByRole('article')
    // The seeded active actions, and none of the closed or draft ones.
    await expect(cards).toHaveCount(6)
    await expect(page.getByRole('heading', { name: 'Amara Kessely' })).toBeVisible()
    await expect(page.getByText(/\d[\d,]* signatures? of [\d,]+/).first()).toBeVisible()
    await expect(page.getByText('Paused at the request of the family or lawyers')).toBeVisible()
    const deadlines = (await cards.getByText(/^Act before /).allTextContents()).map((text) =>
      Date.parse(text.replace('Act before ', '')),
    )
    expect(deadlines).toHaveLength(6)
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b))
  })

  test('has no accessibility violations', async ({ page }) => {
    await page.goto('/')
    expect(await axeViolations(page)).toEqual([])
  })

  test('the skip link takes keyboard users to the content', async ({ page }) => {
    await page.goto('/')
    await page.keyboard.press('Tab')
    const skip = page.getByRole('link', { name: 'Skip to main content' })
    await expect(skip).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/#main$/)
  })

  test('an unknown page answers 404 with a way home', async ({ page }) => {
    const response = await page.goto('/no-such-page')
    expect(response?.status()).toBe(404)
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Back to the home page' })).toBeVisible()
  })
})
