// The outbox, end to end: a message written with the change that caused it is delivered once,
// by the real worker process, to a real SMTP server, whatever SMTP answers along the way.
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest'
import { emailOutbox, signatures, suppressions } from '#db/schema.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction, createSupporter } from '#tests/support/factories.ts'
import { waitFor } from '#tests/support/ports.ts'
import {
  deleteRedisPrefix,
  SHARED_REDIS_URL,
  startWorkerProcess,
  uniqueRedisPrefix,
  type RunningProcess,
} from '#tests/support/processes.ts'
import { dumpRedisPrefix } from '#tests/support/redis-contents.ts'
import { rawHeader, startSmtpCapture, type SmtpCapture } from '#tests/support/smtp.ts'

let t: TestDatabase
let smtp: SmtpCapture
let worker: RunningProcess
const prefix = uniqueRedisPrefix()

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'outbox')
  smtp = await startSmtpCapture()
  worker = await startWorkerProcess({
    DATABASE_URL: t.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
    SMTP_URL: smtp.url,
  })
})

afterEach(() => {
  smtp.rejectData(() => undefined)
  smtp.rejectRecipients(() => undefined)
  smtp.delayData(0)
})

afterAll(async () => {
  await worker?.stop()
  await smtp?.close()
  await deleteRedisPrefix(SHARED_REDIS_URL, prefix)
  await t?.drop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Signs a supporter up and writes their confirmation email in the same transaction. */
async function signAndWriteConfirmation(key: string, email = `${key}@example.org`) {
  const action = await createAction(t.db)
  const supporter = await createSupporter(t.db, {
    email,
    emailCanonical: email,
    firstName: 'Ximena',
  })
  return t.db.transaction(async (tx) => {
    const [signature] = await tx
      .insert(signatures)
      .values({
        actionId: action.id,
        supporterId: supporter.id,
        country: 'ES',
        consentAt: new Date(),
      })
      .returning()
    const outboxId = await writeOutboxMessage(tx, {
      idempotencyKey: `confirm:${signature!.id}`,
      template: 'signature-confirmation',
      to: email,
      supporterId: supporter.id,
      actionId: action.id,
      params: {
        firstName: 'Ximena',
        actionTitle: action.title,
        atRiskName: action.atRiskName,
        confirmUrl: `https://vigil.test/confirm/${key}`,
      },
    })
    return { outboxId: outboxId!, email, action }
  })
}

async function outboxRow(id: string) {
  const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id))
  return row!
}

const deliveredTo = (email: string) => smtp.messages.filter((m) => m.envelopeTo.includes(email))

describe('outbox delivery by the worker', () => {
  test('a message written in a transaction is delivered once, with the right headers', async () => {
    const { outboxId, email, action } = await signAndWriteConfirmation('headers')
    await waitFor(() => deliveredTo(email).length === 1, { what: 'the confirmation email' })
    // Long enough for a second delivery, had there been one.
    await sleep(1500)
    const received = deliveredTo(email)
    expect(received).toHaveLength(1)
    const mail = received[0]!
    expect(mail.from?.value).toEqual([{ name: 'Vigil', address: 'no-reply@vigil.test' }])
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(email)
    expect(mail.subject).toBe(`Please confirm your signature: ${action.title}`)
    expect(mail.messageId).toBe(`<${outboxId}@vigil.test>`)
    expect(mail.headers.get('x-vigil-message-id')).toBe(outboxId)
    expect(mail.text).toContain('Dear Ximena,')
    expect(mail.text).toContain('https://vigil.test/confirm/headers')
    expect(mail.html).toContain('href="https://vigil.test/confirm/headers"')
    // Every email to a supporter can be stopped with one click (RFC 8058).
    const unsubscribeUrl = rawHeader(mail, 'List-Unsubscribe')?.match(/^<(https:[^>]+)>$/)?.[1]
    expect(unsubscribeUrl).toMatch(/^https:\/\/vigil\.test\/unsubscribe\/[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    expect(mail.text).toContain(unsubscribeUrl)
    const row = await outboxRow(outboxId)
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null })
  })

  test('a pending message whose job already finished under its id is enqueued afresh and sent', async () => {
    // As after a message held for a paused action, whose worker died before clearing its
    // finished job: BullMQ ignores a new job with a known id, so the old one must go first.
    const { outboxId, email } = await signAndWriteConfirmation('finished-job')
    await waitFor(() => deliveredTo(email).length === 1, { what: 'the first delivery' })
    await waitFor(async () => (await outboxRow(outboxId)).status === 'sent', { what: 'sent' })
    await t.db
      .update(emailOutbox)
      .set({ status: 'pending', sentAt: null, enqueuedAt: new Date(Date.now() - 3600_000) })
      .where(eq(emailOutbox.id, outboxId))

    await waitFor(() => deliveredTo(email).length === 2, { what: 'the message sent again' })
    await waitFor(async () => (await outboxRow(outboxId)).status === 'sent', { what: 'sent' })
  })

  test('Redis holds ids only: no address or name of a recipient is ever stored there', async () => {
    const { email } = await signAndWriteConfirmation('privacy')
    await waitFor(() => deliveredTo(email).length === 1, { what: 'the email' })
    const contents = await dumpRedisPrefix(SHARED_REDIS_URL, prefix)
    expect(contents).toContain('email-delivery')
    expect(contents).not.toContain('@example.org')
    expect(contents).not.toContain('Ximena')
  })

  test('a rolled-back transaction sends nothing', async () => {
    const before = smtp.messages.length
    await expect(
      t.db.transaction(async (tx) => {
        await writeOutboxMessage(tx, {
          idempotencyKey: 'rolled-back',
          template: 'signature-confirmation',
          to: 'rolled-back@example.org',
          params: {
            firstName: 'Nobody',
            actionTitle: 'Never',
            atRiskName: 'Nobody',
            confirmUrl: 'https://vigil.test/confirm/never',
          },
        })
        throw new Error('the signature could not be saved')
      }),
    ).rejects.toThrow('the signature could not be saved')
    await sleep(1500)
    expect(smtp.messages.length).toBe(before)
    expect(deliveredTo('rolled-back@example.org')).toHaveLength(0)
  })

  test('an SMTP server answering 421 for a while gets the message once it recovers', async () => {
    let refusals = 0
    smtp.rejectData(() =>
      refusals++ < 2 ? { code: 421, message: 'Service not available, try later' } : undefined,
    )
    const { outboxId, email } = await signAndWriteConfirmation('transient')
    await waitFor(() => deliveredTo(email).length === 1, {
      timeoutMs: 30_000,
      what: 'retried email',
    })
    // SMTP accepts the message a moment before the worker records it as sent.
    const row = await waitFor(
      async () => {
        const current = await outboxRow(outboxId)
        return current.status === 'sent' ? current : null
      },
      { what: 'the message to be recorded as sent' },
    )
    expect(deliveredTo(email)).toHaveLength(1)
    // Two refusals, then success (more attempts only if the machine is slow to answer).
    expect(row.attempts).toBeGreaterThanOrEqual(3)
  })

  test('a 550 for one address suppresses it, and other messages still go', async () => {
    smtp.rejectRecipients((address) =>
      address.startsWith('gone') ? { code: 550, message: 'No such user here' } : undefined,
    )
    const refused = await signAndWriteConfirmation('gone', 'gone@example.org')
    const fine = await signAndWriteConfirmation('still-fine')
    await waitFor(() => deliveredTo(fine.email).length === 1, { what: 'the other email' })
    const row = await waitFor(
      async () => {
        const current = await outboxRow(refused.outboxId)
        return current.status === 'failed' ? current : null
      },
      { what: 'the refused message to fail' },
    )
    expect(row.attempts).toBe(1)
    expect(row.lastError).toContain('550')
    const [suppression] = await t.db
      .select()
      .from(suppressions)
      .where(eq(suppressions.emailCanonical, 'gone@example.org'))
    expect(suppression?.reason).toBe('bounce')

    // Suppressed addresses are never emailed again.
    smtp.rejectRecipients(() => undefined)
    const again = await signAndWriteConfirmation('gone-again', 'Gone@Example.org')
    await waitFor(async () => (await outboxRow(again.outboxId)).status === 'cancelled', {
      what: 'the second message to be cancelled',
    })
    expect(smtp.messages.filter((m) => m.envelopeTo.includes('Gone@Example.org'))).toHaveLength(0)
  })

  test('our relay refusing a recipient for its own reasons (554 5.7.1 relay access denied) suppresses nobody: the message is tried again and goes once the relay is put right', async () => {
    smtp.rejectRecipients((address) =>
      address.startsWith('relayed')
        ? { code: 554, message: '5.7.1 Relay access denied' }
        : undefined,
    )
    const written = await signAndWriteConfirmation('relayed')
    await waitFor(
      async () => {
        const current = await outboxRow(written.outboxId)
        return current.attempts >= 1 && current.lastError?.includes('554') ? current : null
      },
      { what: 'the refusal to be recorded' },
    )
    expect((await outboxRow(written.outboxId)).status).not.toBe('failed')
    smtp.rejectRecipients(() => undefined)
    await waitFor(() => deliveredTo(written.email).length === 1, {
      what: 'the message, once allowed',
    })
    const suppressed = await t.db
      .select()
      .from(suppressions)
      .where(eq(suppressions.emailCanonical, written.email.toLowerCase()))
    expect(suppressed).toEqual([])
  })

  test('an address suppressed in its canonical form gets nothing, with Gmail dots or a +tag', async () => {
    const local = `com.plained${Date.now()}`
    await t.db
      .insert(suppressions)
      .values({ emailCanonical: `${local.replaceAll('.', '')}@gmail.com`, reason: 'complaint' })
    const written = await signAndWriteConfirmation('complained', `${local}+urgent@GMail.com`)
    const row = await waitFor(
      async () => {
        const current = await outboxRow(written.outboxId)
        return current.status === 'cancelled' ? current : null
      },
      { what: 'the message to be cancelled' },
    )
    expect(row.lastError).toBe('suppressed: complaint')
    expect(deliveredTo(written.email)).toHaveLength(0)
  })
})

describe('worker shutdown', () => {
  test('SIGTERM lets the email being sent finish, and the worker exits cleanly', async () => {
    const graceful = await startWorkerProcess({
      DATABASE_URL: t.url,
      REDIS_URL: SHARED_REDIS_URL,
      REDIS_PREFIX: prefix,
      SMTP_URL: smtp.url,
    })
    // Stop the suite's shared worker so the message is certainly in this one's hands.
    await worker.stop()
    smtp.delayData(2000)
    const startedBefore = smtp.dataStarted()
    const { outboxId, email } = await signAndWriteConfirmation('graceful')
    await waitFor(() => smtp.dataStarted() > startedBefore, { what: 'the email to be in flight' })
    const exitCode = await graceful.stop('SIGTERM')
    expect(exitCode).toBe(0)
    expect(graceful.output()).toContain('SIGTERM received')
    expect(deliveredTo(email)).toHaveLength(1)
    expect((await outboxRow(outboxId)).status).toBe('sent')
  })
})
