// When the database stops answering (a restart, a lock held too long), a supporter who signs is
// answered within the signing deadline with the form as they filled it and a message to send it
// again, never left waiting; and sending it again does not sign twice.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { startWebProcess } from '#tests/support/processes.ts'
import { postSignature } from '#tests/support/sign-http.ts'

const DEADLINE_MS = 1_000
/** The signing transaction's own lock timeout: an answer before it came from the deadline. */
const LOCK_TIMEOUT_MS = 5_000

let t: TestDatabase
let web: Awaited<ReturnType<typeof startWebProcess>>
let slug: string

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'stall')
  slug = (await createAction(t.db)).slug
  web = await startWebProcess({
    DATABASE_URL: t.url,
    SIGN_WRITE_DEADLINE_MS: String(DEADLINE_MS),
    TRUST_PROXY: '1',
  })
}, 180_000)

afterAll(async () => {
  await web?.stop()
  await t?.drop()
})

async function sign(email: string) {
  const started = performance.now()
  const response = await postSignature(web.url, slug, email, {
    clientIp: `198.51.100.${Math.floor(Math.random() * 250) + 1}`,
  })
  return { response, page: await response.text(), ms: performance.now() - started }
}

async function signaturesOf(email: string) {
  const [row] = await t.db.execute<{ n: number }>(sql`
    select count(*)::int as n from signatures s join supporters p on p.id = s.supporter_id
    where p.email = ${email}`)
  return row!.n
}

describe('signing while the database does not answer', () => {
  test('signers are answered 503 with their form filled in, and signing goes on once the database answers', async () => {
    // Every signature write now waits on this lock, as on a database that has stopped answering.
    const holder = await t.db.$client.reserve()
    try {
      await holder`begin`
      await holder`lock table supporters in exclusive mode`

      // Two signers at once, whose writes get stuck: each is answered by the deadline, the one
      // queued behind the other's stuck write too (a stuck write gives its place up).
      const [first, second] = await Promise.all([
        sign('stall-1@example.org'),
        sign('stall-2@example.org'),
      ])
      for (const attempt of [first, second]) {
        expect(attempt.response.status).toBe(503)
        expect(attempt.response.headers.get('retry-after')).toBe('5')
        expect(attempt.ms).toBeLessThan(LOCK_TIMEOUT_MS)
        expect(attempt.page).toContain('We could not record your signature just now.')
      }
      // The form comes back as it was sent.
      expect(first.page).toContain(`value="stall-1@example.org"`)

      // Both writes are still stuck on the lock; the next signer is answered by the deadline
      // all the same, instead of queueing behind them until their lock timeout.
      const third = await sign('stall-3@example.org')
      expect(third.response.status).toBe(503)
      expect(third.ms).toBeLessThan(LOCK_TIMEOUT_MS - first.ms)
    } finally {
      await holder`rollback`
      holder.release()
    }

    // The database answers again: signing works, and sending the form again signs once.
    const again = await sign('stall-1@example.org')
    expect(again.response.status).toBe(303)
    expect(await signaturesOf('stall-1@example.org')).toBe(1)
    expect((await sign('after-stall@example.org')).response.status).toBe(303)
    expect(await signaturesOf('after-stall@example.org')).toBe(1)
  })
})
