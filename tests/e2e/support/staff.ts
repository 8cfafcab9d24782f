// Staff accounts as an installation gets its first one: `npm run staff:create` on the command line
// (run here against the e2e database), then the printed one-time link to choose a password.
import path from 'node:path'
import type { Page } from '@playwright/test'
import { projectRoot, startProcess } from '#tests/support/processes.ts'
import { expect } from './fixtures.ts'
import { readE2EState } from './state.ts'

export const STAFF_PASSWORD = 'a long and unguessable passphrase'

/** Runs `npm run staff:create` against the e2e database; returns its exit code and output. */
export async function staffCreate(args: string[]) {
  const { databaseUrl, appUrl } = readE2EState()
  const run = startProcess(
    path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
    ['scripts/staff-create.ts', ...args],
    { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, APP_URL: appUrl },
  )
  const code = await run.exited
  return { code, output: run.output() }
}

/** Makes an account on the command line; returns the set-password link it printed. */
export async function createStaffWithLink(email: string, role: string, name: string) {
  const { code, output } = await staffCreate(['--email', email, '--role', role, '--name', name])
  expect(code, output).toBe(0)
  const link = output.match(/https?:\/\/\S+\/admin\/set-password\/[\w-]+/)?.[0]
  if (!link) throw new Error(`No set-password link in:\n${output}`)
  return link
}

/** Opens a set-password link and chooses a password, which signs in. */
export async function choosePassword(page: Page, link: string, password = STAFF_PASSWORD) {
  await page.goto(link)
  await expect(page.getByRole('heading', { name: 'Choose a password' })).toBeVisible()
  await page.getByLabel('New password', { exact: true }).fill(password)
  await page.getByLabel('Type the new password again').fill(password)
  await page.getByRole('button', { name: 'Save password and sign in' }).click()
  await expect(page).toHaveURL(/\/admin$/)
}
