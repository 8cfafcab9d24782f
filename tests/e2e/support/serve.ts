// Started by Playwright as its web server: a database of its own (migrated and seeded), a mail
// catcher writing .eml files the tests can read, and the real worker and web server, built.
// On SIGTERM it stops them and drops the database.
import fs from 'node:fs'
import path from 'node:path'
import { closeDb, createDb } from '#db/client.ts'
import { migrateDatabase } from '#db/migrate.ts'
import { seedDatabase } from '#db/seed.ts'
import { BUILT, BUILT_NODE_ARGS, ensureBuild } from '#scripts/ensure-build.ts'
import { startDevMailCatcher } from '#scripts/dev-mail-catcher.ts'
import {
  createEmptyDatabase,
  databaseUrl,
  dropDatabase,
  dropStaleTestDatabases,
} from '#tests/support/database.ts'
import { freePort } from '#tests/support/ports.ts'
import {
  deleteRedisPrefix,
  projectRoot,
  SHARED_REDIS_URL,
  startProcess,
  uniqueRedisPrefix,
} from '#tests/support/processes.ts'
import { e2eStateFile, type E2EState } from './state.ts'

const port = Number(process.env.E2E_PORT)
await dropStaleTestDatabases()
const database = await createEmptyDatabase('e2e')
const url = databaseUrl(database)
await migrateDatabase(url)
const db = createDb(url, { max: 1 })
await seedDatabase(db)
await closeDb(db)

fs.mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true })
const mailDir = fs.mkdtempSync(path.join(projectRoot, 'test-results', 'mail-'))
const mail = await startDevMailCatcher({ dir: mailDir, port: await freePort() })
const redisPrefix = uniqueRedisPrefix()
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'production',
  DATABASE_URL: url,
  REDIS_URL: SHARED_REDIS_URL,
  REDIS_PREFIX: redisPrefix,
  SMTP_URL: mail.url,
  MAIL_FROM: 'Vigil <no-reply@vigil.test>',
  APP_URL: `http://localhost:${port}`,
  SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-000000',
  PORT: String(port),
  OUTBOX_POLL_MS: '200',
  // Browser tests read counts and edits from fresh contexts right after making them; the page
  // cache's own rules are proven by tests/integration/public-page-cache.test.ts.
  PAGE_CACHE_SECONDS: '0',
  // The export slots' test holds both of the default's, whatever a developer's .env says.
  EXPORT_CONCURRENCY: '2',
  // Every browser test signs from 127.0.0.1; the limits themselves are covered by integration tests.
  RATE_LIMIT_SIGN_PER_IP: '1000',
  RATE_LIMIT_SIGN_PER_EMAIL: '1000',
  EMAIL_WEBHOOK_SECRET: 'e2e-webhook-secret-e2e-webhook-secret',
  UPLOAD_DIR: path.join(mailDir, 'uploads'),
}
// As `npm start` and `npm run worker` run them: compiled (test:e2e builds first; this catches a
// build older than its sources when Playwright is run on its own).
ensureBuild({ always: false })
const worker = startProcess(process.execPath, [...BUILT_NODE_ARGS, BUILT.worker], env)
const web = startProcess(process.execPath, [...BUILT_NODE_ARGS, BUILT.server], env)
for (const [name, child] of [
  ['worker', worker],
  ['web', web],
] as const) {
  child.child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(`[${name}] ${chunk}`))
  child.child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`))
}
await Promise.all([worker.waitForOutput('worker: started'), web.waitForOutput('web: listening')])

const state: E2EState = { databaseUrl: url, mailDir, appUrl: env.APP_URL }
fs.writeFileSync(e2eStateFile(), JSON.stringify(state))

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await Promise.all([web.stop(), worker.stop()])
  await mail.close()
  await dropDatabase(database)
  await deleteRedisPrefix(SHARED_REDIS_URL, redisPrefix)
  fs.rmSync(mailDir, { recursive: true, force: true })
  fs.rmSync(e2eStateFile(), { force: true })
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
