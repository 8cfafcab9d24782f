// Abuse controls on signing, as a bot or a flood meets them over HTTP against the production server:
// the honeypot answers like success and stores nothing; past the per-address limit a sender gets
// the form back with what they typed and why, a 429 with Retry-After, and nothing more is stored.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { startWebProcess } from '#tests/support/processes.ts'
import { postSignature } from '#tests/support/sign-http.ts'

let t: TestDatabase
let web: Awaited<ReturnType<typeof startWebProcess>>
let slug: string

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'abuse')
  slug = (await createAction(t.db)).slug
  web = await startWebProcess({
    DATABASE_URL: t.url,
    RATE_LIMIT_SIGN_PER_IP: '3',
    // Each test signs from an address of its own (X-Forwarded-For), as clients behind a proxy do.
    TRUST_PROXY: '1',
  })
}, 180_000)

afterAll(async () => {
  await web?.stop()
  await t?.drop()
})

function sign(email: string, clientIp: string, extra: Record<string, string> = {}) {
  return postSignature(web.url, slug, email, { clientIp, extra })
}

async function storedFor(email: string) {
  const [row] = await t.db.execute<{ supporters: number; outbox: number }>(sql`
    select (select count(*)::int from supporters where email = ${email}) as supporters,
           (select count(*)::int from email_outbox where to_address = ${email}) as outbox`)
  return row
}

describe('signing abuse controls over HTTP', () => {
  test('a bot that fills the hidden field is answered as if it had signed, and nothing is stored', async () => {
    const response = await sign('bot@spam.example', '198.51.100.7', {
      website: 'http://cheap-pills.example',
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/actions/${slug}/check-email#main`)
    expect(await storedFor('bot@spam.example')).toEqual({ supporters: 0, outbox: 0 })
    // The same address, signing as a person does, is stored: the refusal was the honeypot's.
    expect((await sign('bot@spam.example', '198.51.100.7')).status).toBe(303)
    expect(await storedFor('bot@spam.example')).toEqual({ supporters: 1, outbox: 1 })
  })

  test('past the limit for one client address, signing answers 429 with the form as typed and why, and stores nothing', async () => {
    const ip = '203.0.113.50'
    for (let i = 1; i <= 3; i++) {
      expect((await sign(`flood-${i}@example.org`, ip)).status).toBe(303)
    }
    const refused = await sign('flood-4@example.org', ip)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    const page = await refused.text()
    // Someone behind a busy shared connection (a campus, an office) keeps what they typed.
    expect(page).toContain('Too many attempts have come from your connection')
    expect(page).toContain('value="flood-4@example.org"')
    expect(await storedFor('flood-4@example.org')).toEqual({ supporters: 0, outbox: 0 })
    // Another client is not held back by this one.
    expect((await sign('someone-else@example.org', '203.0.113.51')).status).toBe(303)
  })
})
