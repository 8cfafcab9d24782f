// postgres.js 3.4.9 throws from a setImmediate when a connection closes with a small write still
// to run (porsager/postgres#1154, #1208): an uncaught exception that killed the worker whenever
// PostgreSQL restarted. `patches/postgres+3.4.9.patch` (applied by `npm install`) guards it; this
// reproduces the crash deterministically, so the suite fails if the patch is ever lost.
import postgres from 'postgres'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import {
  ADMIN_DATABASE_URL,
  createTestDatabase,
  type TestDatabase,
} from '#tests/support/database.ts'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'driver')
})
afterAll(async () => {
  await t?.drop()
})

test('a query on a connection whose server process died fails as an error, and the process lives on', async () => {
  const sql = postgres(t.url, { max: 2, onnotice: () => {} })
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
  try {
    // A reserved connection cannot be swapped for a fresh one, so the next write meets the closed socket.
    const pinned = await sql.reserve()
    const [backend] = await pinned<{ pid: number }[]>`select pg_backend_pid() as pid`
    await admin`select pg_terminate_backend(${backend!.pid})`
    await new Promise((resolve) => setTimeout(resolve, 200))

    await expect(pinned`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
    await expect(pinned`select 2`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
    // The pool's other connection still answers.
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }])
  } finally {
    await sql.end({ timeout: 0 })
    await admin.end({ timeout: 1 })
  }
})
