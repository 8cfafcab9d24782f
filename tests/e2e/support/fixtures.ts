import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Page } from '@playwright/test'

/** An accessibility scan against WCAG 2.2 AA; returns the violations for a readable failure. */
export async function axeViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze()
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((node) => node.target.join(' ')),
  }))
}

/**
 * Every test fails if the page logs an error or throws: a hydration mismatch, a CSP violation or a
 * script error is a bug even when the page looks right. (Responses with an error status, which
 * some tests ask for on purpose, are not script errors and are let through.)
 */
export const test = base.extend<{ pageErrors: string[] }>({
  /**
   * `goto` and `reload` return once the page is hydrated (root.tsx marks it), as a person would
   * wait for a page to be ready: typing into a page mid-hydration can abort React's hydration.
   * Pages without JavaScript, and responses that are not pages of ours, are returned as they load.
   */
  page: async ({ page, javaScriptEnabled }, provide) => {
    const untilHydrated = async (response: Awaited<ReturnType<typeof page.goto>>) => {
      const html = response?.headers()['content-type']?.startsWith('text/html')
      if (javaScriptEnabled !== false && html) {
        await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true')
      }
      return response
    }
    const goto = page.goto.bind(page)
    const reload = page.reload.bind(page)
    page.goto = async (...args) => untilHydrated(await goto(...args))
    page.reload = async (...args) => untilHydrated(await reload(...args))
    await provide(page)
  },
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          errors.push(`console: ${message.text()}`)
        }
      })
      await use(errors)
      expect(errors, 'errors in the browser').toEqual([])
    },
    { auto: true },
  ],
})
export { expect }
