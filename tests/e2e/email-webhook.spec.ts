// The email provider reports bounces and complaints; the platform suppresses those addresses.
import { expect, test } from './support/fixtures.ts'
import { withDatabase } from './support/mail.ts'

const SECRET = 'e2e-webhook-secret-e2e-webhook-secret'

test.describe('bounce and complaint webhook', () => {
  test('refuses calls without the shared secret, and bad bodies with a reason', async ({
    request,
  }) => {
    const unauthorized = await request.post('/webhooks/email-events', {
      data: { type: 'bounce', email: 'x@example.org' },
    })
    expect(unauthorized.status()).toBe(401)
    const wrong = await request.post('/webhooks/email-events', {
      headers: { Authorization: 'Bearer not-the-secret' },
      data: { type: 'bounce', email: 'x@example.org' },
    })
    expect(wrong.status()).toBe(401)
    const bad = await request.post('/webhooks/email-events', {
      headers: { Authorization: `Bearer ${SECRET}` },
      data: { type: 'opened', email: 'not an address' },
    })
    expect(bad.status()).toBe(400)
  })

  test('hard bounces and complaints suppress the address; soft bounces do not; a complaint outranks a bounce', async ({
    request,
  }, testInfo) => {
    const tag = `${testInfo.project.name}${Date.now()}`
    const response = await request.post('/webhooks/email-events', {
      headers: { Authorization: `Bearer ${SECRET}` },
      data: {
        events: [
          { type: 'bounce', email: `Hard.${tag}@Example.org` },
          { type: 'complaint', email: `angry.${tag}@example.org`, detail: 'abuse report' },
          { type: 'bounce', bounceType: 'soft', email: `full.${tag}@example.org` },
          // The same address twice in one batch, either way round: suppressed once, as a complaint.
          { type: 'bounce', email: `twice.${tag}@example.org`, detail: 'mailbox gone' },
          { type: 'complaint', email: `Twice.${tag}@example.org`, detail: 'marked as spam' },
          { type: 'bounce', email: `angry.${tag}@example.org` },
        ],
      },
    })
    expect(response.status()).toBe(202)
    expect(await response.json()).toEqual({ received: 6, suppressed: 3 })
    const rows = await withDatabase(
      (sql) =>
        sql`select email_canonical, reason, detail from suppressions where email_canonical like ${`%.${tag}@example.org`} order by 1`,
    )
    expect(rows.map((r) => [r.email_canonical, r.reason, r.detail])).toEqual([
      [`angry.${tag}@example.org`, 'complaint', 'abuse report'],
      [`hard.${tag}@example.org`, 'bounce', null],
      [`twice.${tag}@example.org`, 'complaint', 'marked as spam'],
    ])

    // Later batches: a complaint about a bounced address outranks it; a bounce changes nothing.
    for (const event of [
      { type: 'complaint', email: `hard.${tag}@example.org`, detail: 'reported later' },
      { type: 'bounce', email: `twice.${tag}@example.org`, detail: 'bounced later' },
    ]) {
      const later = await request.post('/webhooks/email-events', {
        headers: { Authorization: `Bearer ${SECRET}` },
        data: event,
      })
      expect(later.status()).toBe(202)
    }
    const after = await withDatabase(
      (sql) =>
        sql`select email_canonical, reason, detail from suppressions where email_canonical like ${`%.${tag}@example.org`} order by 1`,
    )
    expect(after.map((r) => [r.email_canonical, r.reason, r.detail])).toEqual([
      [`angry.${tag}@example.org`, 'complaint', 'abuse report'],
      [`hard.${tag}@example.org`, 'complaint', 'reported later'],
      [`twice.${tag}@example.org`, 'complaint', 'marked as spam'],
    ])
  })
})
