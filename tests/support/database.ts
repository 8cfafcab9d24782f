// Each test file works in a database of its own, cloned from a template that global setup
// migrated once, and dropped afterwards; nothing depends on what an earlier run left behind.
import crypto from 'node:crypto'
import postgres from 'postgres'
import { closeDb, createDb, type Database } from '#db/client.ts'
import { waitFor } from './ports.ts'

/** The server's maintenance connection; CI and developer machines have `test` with trust auth. */
export const ADMIN_DATABASE_URL =
  process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

// Names carry their creation time so stale databases from a killed run can be recognised.
const PREFIX = 'vigil_t_'

export function testDatabaseName(kind: string) {
  return `${PREFIX}${kind}_${Math.floor(Date.now() / 1000)}_${crypto.randomBytes(4).toString('hex')}`
}

export function databaseUrl(name: string) {
  const url = new URL(ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  return url.toString()
}

export async function withAdmin<T>(fn: (sql: postgres.Sql) => Promise<T>) {
  const sql = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

export async function createEmptyDatabase(kind = 'empty') {
  const name = testDatabaseName(kind)
  await withAdmin((sql) => sql.unsafe(`create database "${name}"`))
  return name
}

export async function dropDatabase(name: string) {
  await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`))
}

/** Drops test databases older than a few hours, left by runs that were killed. */
export async function dropStaleTestDatabases(maxAgeSeconds = 6 * 3600) {
  await withAdmin(async (sql) => {
    const rows = await sql<{ datname: string }[]>`
      select datname from pg_database where datname like ${PREFIX + '%'}`
    const now = Date.now() / 1000
    for (const { datname } of rows) {
      const created = Number(datname.split('_').at(-2))
      if (Number.isFinite(created) && now - created > maxAgeSeconds) {
        await sql.unsafe(`drop database if exists "${datname}" with (force)`)
      }
    }
  })
}

export type TestDatabase = { name: string; url: string; db: Database; drop: () => Promise<void> }

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(template: string, kind = 'it'): Promise<TestDatabase> {
  const name = testDatabaseName(kind)
  await withAdmin((sql) => sql.unsafe(`create database "${name}" template "${template}"`))
  const url = databaseUrl(name)
  const db = createDb(url, { max: 5, applicationName: 'vigil-test' })
  return {
    name,
    url,
    db,
    async drop() {
      await closeDb(db)
      await dropDatabase(name)
    },
  }
}

/**
 * Waits until no connection named `applicationName` is open on `client`'s database (or no more
 * than `leaving`): a query that ran on it has ended with its connection (an export's COPY, say).
 */
export function connectionsEnded(
  client: postgres.Sql,
  applicationName: string,
  timeoutMs: number,
  { leaving = 0 } = {},
) {
  return waitFor(
    async () =>
      (
        await client<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
          where application_name = ${applicationName} and datname = current_database()`
      )[0]!.n <= leaving,
    {
      timeoutMs,
      what: `the connections named ${applicationName} ended${leaving ? `, but ${leaving}` : ''}`,
    },
  )
}
