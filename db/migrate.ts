// Applies the committed drizzle-kit migrations. Run as `npm run db:migrate`, or imported by the dev
// script and the tests.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import { closeDb, createDb } from './client.ts'

export const migrationsFolder = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'migrations',
)

export async function migrateDatabase(url: string) {
  const db = createDb(url, { max: 1, applicationName: 'vigil-migrate' })
  try {
    await migrate(db, { migrationsFolder })
  } finally {
    await closeDb(db)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { initEnv, loadDotEnv, parseEnvKeys } = await import('#app/utils/env.server.ts')
  loadDotEnv()
  const { DATABASE_URL } = initEnv(() => parseEnvKeys(process.env, ['DATABASE_URL']))
  await migrateDatabase(DATABASE_URL)
  console.log('Migrations applied.')
}
