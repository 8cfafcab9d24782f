// The delivery engine through pauses and failures, with the real worker process and real SMTP
// servers: a paused action's updates wait and then reach each follower once; SMTP that refuses
// connections, or answers 421 for a while, gets every message once it is back; a message that
// runs out of retries is shown in the console with its reason, and the console's Retry sends it.
import crypto from 'node:crypto'
import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest'
// Types only: the modules themselves are imported once the environment is set.
import type { setActionPaused as SetActionPaused } from '#app/models/action-admin.server.ts'
import type { fanOutPublishedUpdates as FanOutPublishedUpdates } from '#jobs/fanout.ts'
import type * as Outbox from '#jobs/outbox.ts'
import {
  actionUpdates,
  auditLog,
  authorities,
  emailOutbox,
  letters,
  suppressions,
} from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import {
  createAction,
  createConfirmedSignature,
  createFollowers,
  createSupporter,
} from '#tests/support/factories.ts'
import { freePort, waitFor } from '#tests/support/ports.ts'
import {
  deleteRedisPrefix,
  SHARED_REDIS_URL,
  startWebProcess,
  startWorkerProcess,
  uniqueRedisPrefix,
} from '#tests/support/processes.ts'
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '#tests/support/smtp.ts'
import { csrfTokenIn, staffCookie } from '#tests/support/staff-session.ts'

const SESSION_SECRET = 'test-secret-test-secret-test-secret-0000'

let t: TestDatabase
let smtp: SmtpCapture
const prefixes: string[] = []
const running: { stop: (signal?: NodeJS.Signals) => Promise<unknown> }[] = []
let models: {
  setActionPaused: typeof SetActionPaused
  fanOutPublishedUpdates: typeof FanOutPublishedUpdates
  outbox: typeof Outbox
}
let editorId: string

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'recovery')
  smtp = await startSmtpCapture()
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    REDIS_URL: SHARED_REDIS_URL,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: 'https://vigil.test',
    SESSION_SECRET,
  })
  models = {
    setActionPaused: (await import('#app/models/action-admin.server.ts')).setActionPaused,
    fanOutPublishedUpdates: (await import('#jobs/fanout.ts')).fanOutPublishedUpdates,
    outbox: await import('#jobs/outbox.ts'),
  }
  editorId = (await staffCookie(t.db, 'editor')).user.id
})

afterEach(async () => {
  // One worker at a time: they share the database, and each test knows which SMTP its worker uses.
  await Promise.all(running.splice(0).map((process) => process.stop()))
  smtp.rejectData(() => undefined)
  smtp.rejectRecipients(() => undefined)
})

afterAll(async () => {
  await Promise.all(running.map((process) => process.stop('SIGKILL')))
  const { getDb } = await import('#app/utils/db.server.ts')
  const { closeDb } = await import('#db/client.ts')
  await closeDb(getDb())
  await smtp?.close()
  for (const prefix of prefixes) await deleteRedisPrefix(SHARED_REDIS_URL, prefix)
  await t?.drop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function startWorker(env: Record<string, string>, prefix = uniqueRedisPrefix()) {
  prefixes.push(prefix)
  const worker = await startWorkerProcess({
    DATABASE_URL: t.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
    SMTP_URL: smtp.url,
    ...env,
  })
  running.push(worker)
  return Object.assign(worker, { prefix })
}

/** A confirmation email (transactional: it goes even while its action is paused). */
async function writeConfirmation(to: string, actionId: string | null = null) {
  return t.db.transaction(async (tx) => {
    const id = await models.outbox.writeOutboxMessage(tx, {
      idempotencyKey: `confirm:${crypto.randomUUID()}`,
      template: 'signature-confirmation',
      to,
      actionId,
      params: {
        firstName: 'Ximena',
        actionTitle: 'Trade unionist held incommunicado',
        atRiskName: 'Imani Testperson',
        confirmUrl: 'https://vigil.test/confirm/token',
      },
    })
    return id!
  })
}

async function outboxRows(ids: string[]) {
  return t.db.select().from(emailOutbox).where(inArray(emailOutbox.id, ids))
}

const outboxIdOf = (mail: CapturedMail) => mail.headers.get('x-vigil-message-id') as string
const to = (address: string) => smtp.messages.filter((mail) => mail.envelopeTo.includes(address))

/** Each of these outbox rows arrived exactly once, and is recorded as sent. */
async function expectEachDeliveredOnce(ids: string[]) {
  const arrivals = smtp.messages.map(outboxIdOf).filter((id) => ids.includes(id))
  expect(arrivals.sort()).toEqual([...ids].sort())
  const rows = await outboxRows(ids)
  expect(rows.map((row) => row.status)).toEqual(ids.map(() => 'sent'))
}

async function publishUpdate(actionId: string, sequence: number, title: string) {
  await t.db.insert(actionUpdates).values({
    actionId,
    sequence,
    title,
    body: 'News of the case.',
    publishedAt: new Date(),
  })
}

function pause(actionId: string, paused: boolean) {
  return models.setActionPaused(t.db, {
    id: actionId,
    paused,
    reason: paused ? 'The family asked for a pause' : undefined,
    actor: { staffUserId: editorId, ip: null },
  })
}

describe('a paused action', () => {
  test('holds its updates, even those already written for its followers, and sends each follower each update once after it resumes; its confirmations still go', async () => {
    const action = await createAction(t.db)
    const followers = await createFollowers(t.db, action.id, 12, `held${Date.now()}`)
    const prefix = uniqueRedisPrefix()
    prefixes.push(prefix)

    // Update 1's emails are written before the pause, while no worker is running.
    await publishUpdate(action.id, 1, 'Moved to another prison')
    while ((await models.fanOutPublishedUpdates(t.db, { batchSize: 100 })) > 0);

    expect((await pause(action.id, true)).status).toBe('done')
    // Update 2 is published during the pause.
    await publishUpdate(action.id, 2, 'Hearing postponed')
    await startWorker({}, prefix)
    const confirmation = await writeConfirmation(
      `paused-confirm-${Date.now()}@example.org`,
      action.id,
    )
    await waitFor(() => smtp.messages.some((mail) => outboxIdOf(mail) === confirmation), {
      what: 'the confirmation sent during the pause',
    })
    await sleep(2000)
    // Update 1's emails wait, untouched; update 2 is not even written out until the case resumes.
    const held = await t.db.execute<{ status: string; attempts: number; n: number }>(sql`
      select status, attempts, count(*)::int as n from email_outbox
      where action_id = ${action.id} and template = 'action-update' group by 1, 2`)
    expect(held).toEqual([{ status: 'pending', attempts: 0, n: 12 }])
    const updates = () => smtp.messages.filter((mail) => mail.subject?.includes(action.reference!))
    expect(updates()).toHaveLength(0)

    expect((await pause(action.id, false)).status).toBe('done')
    await waitFor(() => updates().length >= 24, { timeoutMs: 30_000, what: '24 update emails' })
    await sleep(1500)
    for (const follower of followers) {
      expect(
        to(follower)
          .map((mail) => mail.subject)
          .sort(),
      ).toEqual([
        `${action.reference} update 1: Moved to another prison`,
        `${action.reference} update 2: Hearing postponed`,
      ])
    }
    expect(updates()).toHaveLength(24)
  })
})

describe('SMTP failures', () => {
  test('connection refused at first: once the server starts on that port, every message arrives once', async () => {
    const port = await freePort()
    await startWorker({ SMTP_URL: `smtp://127.0.0.1:${port}`, EMAIL_BACKOFF_MS: '300' })
    // Queued mail (confirmations) and bulk mail (an update to followers) alike.
    const action = await createAction(t.db)
    await createFollowers(t.db, action.id, 4, `refused${Date.now()}`)
    await publishUpdate(action.id, 1, 'Transferred to hospital')
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) => writeConfirmation(`refused-${i}@example.org`)),
    )
    const updateIds = await waitFor(
      async () => {
        const rows = await t.db
          .select()
          .from(emailOutbox)
          .where(eq(emailOutbox.actionId, action.id))
        return rows.length === 4 ? rows.map((row) => row.id) : null
      },
      { what: "the update's 4 emails to be written" },
    )
    const all = [...ids, ...updateIds]
    await waitFor(
      async () =>
        (await outboxRows(all)).every(
          (row) => row.status === 'pending' && row.lastError?.includes('ECONNREFUSED'),
        ),
      { what: 'every message to have been refused a connection' },
    )
    const late = await startSmtpCapture({ port })
    running.push({ stop: () => late.close() })
    await waitFor(() => late.messages.length >= 10, { timeoutMs: 30_000, what: '10 emails' })
    await sleep(1500)
    expect(late.messages.map(outboxIdOf).sort()).toEqual([...all].sort())
    const rows = await outboxRows(all)
    expect(rows.map((row) => row.status)).toEqual(all.map(() => 'sent'))
    expect(Math.min(...rows.map((row) => row.attempts))).toBeGreaterThanOrEqual(2)
  })

  test('421 for a while: 30 messages to six recipients all arrive once after it recovers, and a 550 suppresses only its address', async () => {
    // From the first message that reaches it, the server answers 421 for four seconds.
    let refusingSince: number | undefined
    let refusals = 0
    smtp.rejectData(() => {
      refusingSince ??= Date.now()
      if (Date.now() - refusingSince >= 4000) return undefined
      refusals++
      return { code: 421, message: 'Service not available, try later' }
    })
    smtp.rejectRecipients((address) =>
      address.startsWith('no-such-user') ? { code: 550, message: 'No such user here' } : undefined,
    )
    await startWorker({ EMAIL_BACKOFF_MS: '500' })
    const recipients = Array.from({ length: 6 }, (_, i) => `busy-${i}-${Date.now()}@example.org`)
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) => writeConfirmation(recipients[i % 6]!)),
    )
    const refused = await writeConfirmation('no-such-user@example.org')
    await waitFor(
      () => smtp.messages.filter((mail) => ids.includes(outboxIdOf(mail))).length >= 30,
      {
        timeoutMs: 60_000,
        what: '30 emails after the 421s',
      },
    )
    await sleep(1500)
    expect(refusals).toBeGreaterThanOrEqual(10)
    await expectEachDeliveredOnce(ids)
    for (const recipient of recipients) expect(to(recipient)).toHaveLength(5)
    const [bounced] = await outboxRows([refused])
    expect(bounced).toMatchObject({ status: 'failed', attempts: 1 })
    const [suppression] = await t.db
      .select()
      .from(suppressions)
      .where(eq(suppressions.emailCanonical, 'no-such-user@example.org'))
    expect(suppression?.reason).toBe('bounce')
  })

  test('a message that runs out of retries is listed in the console with its reason, and its Retry button sends it once SMTP is fine', async () => {
    smtp.rejectData(() => ({ code: 421, message: 'Too busy, try later' }))
    const worker = await startWorker({ EMAIL_ATTEMPTS: '3', EMAIL_BACKOFF_MS: '200' })
    const address = `exhausted-${Date.now()}@example.org`
    const id = await writeConfirmation(address)
    const failed = await waitFor(
      async () => {
        const [row] = await outboxRows([id])
        return row?.status === 'failed' ? row : null
      },
      { what: 'the message to give up' },
    )
    expect(failed.attempts).toBe(3)
    expect(failed.lastError).toBe('gave up: SMTP 421: 421 Too busy, try later')
    expect(to(address)).toHaveLength(0)

    const web = await startWebProcess({
      DATABASE_URL: t.url,
      REDIS_PREFIX: worker.prefix,
      SESSION_SECRET,
    })
    running.push(web)
    const { cookie } = await staffCookie(t.db, 'editor')
    const page = await fetch(`${web.url}/admin/delivery`, { headers: { cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    const row = html.match(new RegExp(`<tr>(?:(?!</tr>).)*value="${id}"(?:(?!</tr>).)*</tr>`))?.[0]
    expect(row).toContain('gave up: SMTP 421: 421 Too busy, try later')
    expect(row).toContain('e••••••@example.org')
    // BullMQ's own count of jobs that failed for good.
    expect(html).toContain('data-testid="queue-email-delivery-failed">1<')

    smtp.rejectData(() => undefined)
    const retry = await fetch(`${web.url}/admin/delivery`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ intent: 'retry-one', id, csrf: csrfTokenIn(html) }),
    })
    expect(retry.status).toBe(200)
    expect(await retry.text()).toContain('1 message will be sent again.')
    await waitFor(() => to(address).length === 1, { what: 'the retried email' })
    await sleep(1500)
    await expectEachDeliveredOnce([id])
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.event, 'outbox.retry'))
    expect(audits.map((audit) => audit.entityId)).toEqual([id])
  })
})

describe('losing the database while an email is being prepared', () => {
  test('a letter whose template cannot be read for a moment is tried again and sent once, not given up', async () => {
    await startWorker({ EMAIL_BACKOFF_MS: '1000' })
    const action = await createAction(t.db)
    const [authority] = await t.db
      .select()
      .from(authorities)
      .where(eq(authorities.actionId, action.id))
    const supporter = await createSupporter(t.db, { firstName: 'Ximena', lastName: 'Quispe' })
    const signature = await createConfirmedSignature(t.db, action.id, {
      supporterId: supporter.id,
      country: 'PE',
    })

    // Only the letter's loader reads letter templates: holding them locked stops the worker
    // there, after the email was claimed, until the connection it waits on is cut (as a
    // PostgreSQL restart cuts every connection).
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let locked!: () => void
    const isLocked = new Promise<void>((resolve) => (locked = resolve))
    const holding = t.db.$client.begin(async (tx) => {
      await tx`lock table letter_templates in access exclusive mode`
      locked()
      await released
    })
    try {
      await isLocked
      const [letter] = await t.db
        .insert(letters)
        .values({ signatureId: signature.id, authorityId: authority!.id, status: 'queued' })
        .returning()
      await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)

      await cutWorkerQueryWaitingOn('letter_templates')

      const interrupted = await waitFor(
        async () => {
          const email = await emailOfLetter(letter!.id)
          return email?.lastError ? email : null
        },
        { what: 'the interrupted attempt to be recorded' },
      )
      expect(interrupted.status).not.toBe('failed')
      // The driver's words for a connection cut mid-query vary (ECONNRESET, terminating...).
      expect(interrupted.lastError).toMatch(/^database: /)
      expect(to(authority!.email!)).toHaveLength(0)
    } finally {
      release()
      await holding
    }

    await waitFor(() => to(authority!.email!).length === 1, {
      what: 'the letter, once the template can be read',
    })
    await sleep(1500)
    const received = to(authority!.email!)
    expect(received).toHaveLength(1)
    expect(received[0]!.text).toContain('Ximena Quispe')
    const [sent] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.id, outboxIdOf(received[0]!)))
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 })
    const [delivered] = await t.db
      .select()
      .from(letters)
      .where(eq(letters.signatureId, signature.id))
    expect(delivered?.status).toBe('sent')
  })
})

describe('losing the database just after SMTP accepted an email', () => {
  test('the email is recorded as sent once the database answers, and not sent a second time', async () => {
    await startWorker({ EMAIL_BACKOFF_MS: '300' })
    const address = `recorded-late-${Date.now()}@example.org`
    // SMTP answers slowly, so the test can lock the row before the worker records the send.
    smtp.delayData(1500)
    const holder = await t.db.$client.reserve()
    try {
      const id = await writeConfirmation(address)
      await waitFor(async () => (await outboxRows([id]))[0]?.status === 'sending', {
        what: 'the email to be claimed',
      })
      await holder`begin`
      await holder`select id from email_outbox where id = ${id} for update`
      // The worker's "sent" update now waits on the row; cutting its connection is what a
      // PostgreSQL restart does to it.
      await cutWorkerQueryWaitingOn('email_outbox')
      expect(to(address)).toHaveLength(1)
      await sleep(1000)
      await holder`commit`

      await waitFor(async () => (await outboxRows([id]))[0]?.status === 'sent', {
        what: 'the email to be recorded as sent',
      })
      await sleep(2000)
      expect(to(address)).toHaveLength(1)
      expect((await outboxRows([id]))[0]).toMatchObject({ status: 'sent', attempts: 1 })
    } finally {
      smtp.delayData(0)
      await holder`rollback`.catch(() => {})
      holder.release()
    }
  })
})

/**
 * Waits until one of the worker's queries on this table waits on a lock the test holds, then
 * cuts that connection, as a PostgreSQL restart would.
 */
async function cutWorkerQueryWaitingOn(table: string) {
  const waiting = await waitFor(
    async () => {
      const rows = await t.db.execute<{ pid: number }>(sql`
        select pid from pg_stat_activity
        where datname = current_database() and application_name = 'vigil-worker'
          and wait_event_type = 'Lock' and query ilike ${`%${table}%`}`)
      return rows[0]
    },
    { what: `a worker query on ${table} to wait on the test's lock` },
  )
  await t.db.execute(sql`select pg_terminate_backend(${waiting.pid})`)
}

/** The outbox row carrying a letter, once the worker has scheduled it. */
async function emailOfLetter(letterId: string) {
  const [row] = await t.db
    .select({ email: emailOutbox })
    .from(letters)
    .innerJoin(emailOutbox, eq(emailOutbox.id, letters.outboxId))
    .where(eq(letters.id, letterId))
  return row?.email
}
