import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export type E2EState = { databaseUrl: string; mailDir: string; appUrl: string }

/** Where the serve script tells the tests about the database and mailbox it made. */
export function e2eStateFile() {
  const run = process.env.VIGIL_E2E_RUN
  if (!run)
    throw new Error('VIGIL_E2E_RUN is not set: run the e2e tests through playwright.config.ts')
  return path.join(os.tmpdir(), `vigil-e2e-${run}.json`)
}

export function readE2EState(): E2EState {
  return JSON.parse(fs.readFileSync(e2eStateFile(), 'utf8')) as E2EState
}
