// The supporter's journey, as rules: sign, confirm by the emailed link, follow, unsubscribe, see
// and erase one's data. Run against a real database through the model functions the routes call;
// emails are checked as the outbox rows the worker would send (delivery has its own tests).
import crypto from 'node:crypto'
import { and, count, eq, sql, type SQL } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, inject, test, vi } from 'vitest'
import type * as FollowModel from '#app/models/follow.server.ts'
import type * as MyDataModel from '#app/models/my-data.server.ts'
import type * as SignatureModel from '#app/models/signature.server.ts'
import type { SignInput } from '#app/schemas/supporter-forms.ts'
import type * as DbServer from '#app/utils/db.server.ts'
import type * as RateLimits from '#app/utils/rate-limit.server.ts'
import type * as Tokens from '#app/utils/tokens.server.ts'
import { closeDb } from '#db/client.ts'
import { emailLoaders } from '#jobs/email-loaders.ts'
import { readConfirmedCounts } from '#db/counters.ts'
import {
  actions,
  authorities,
  emailOutbox,
  follows,
  letters as letterRows,
  letterTemplates,
  signatures,
  supporters,
  type Action,
  type OutboxMessage,
} from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction, createSupporter } from '#tests/support/factories.ts'

// Low limits, so the rate-limit rules can be shown in a few requests. Every other test signs
// from an IP hash of its own.
const SIGNS_PER_IP = 3
const SIGNS_PER_ADDRESS = 6

let t: TestDatabase
let signing: typeof SignatureModel
let following: typeof FollowModel
let myData: typeof MyDataModel
let tokens: typeof Tokens
let rateLimits: typeof RateLimits
let dbServer: typeof DbServer | undefined

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'journey')
  // The models read their configuration and database from process.env once, on first use:
  // point them at this file's database before they are loaded.
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: 'https://vigil.test',
    SESSION_SECRET: 'journey-secret-journey-secret-journey-40',
    NODE_ENV: 'test',
    RATE_LIMIT_SIGN_PER_IP: String(SIGNS_PER_IP),
    RATE_LIMIT_SIGN_PER_EMAIL: String(SIGNS_PER_ADDRESS),
  })
  dbServer = await import('#app/utils/db.server.ts')
  signing = await import('#app/models/signature.server.ts')
  following = await import('#app/models/follow.server.ts')
  myData = await import('#app/models/my-data.server.ts')
  tokens = await import('#app/utils/tokens.server.ts')
  rateLimits = await import('#app/utils/rate-limit.server.ts')
})

afterEach(() => {
  vi.useRealTimers()
})

afterAll(async () => {
  if (dbServer) await closeDb(dbServer.getDb())
  await t?.drop()
})

const DAY_MS = 24 * 3600 * 1000

const letters = (length: number) =>
  Array.from(crypto.randomBytes(length), (byte) => String.fromCharCode(97 + (byte % 26))).join('')

/** An IP hash nobody else in this file uses, so one test's requests never limit another's. */
const freshIpHash = () => `ip-${crypto.randomBytes(8).toString('hex')}`

const freshEmail = (domain = 'example.org') => `ana.${letters(10)}@${domain}`

function signInput(overrides: Partial<SignInput> = {}): SignInput {
  return {
    firstName: 'Ana',
    lastName: 'Ruiz',
    email: freshEmail(),
    country: 'ES',
    message: undefined,
    consent: 'on',
    follow: false,
    news: false,
    ...overrides,
  }
}

function sign(action: Action, input: SignInput, ipHash = freshIpHash()) {
  return signing.signAction({ slug: action.slug, input, ipHash, locale: 'en' })
}

/** Freezes Date (only Date: timers and the database keep running) at a given moment. */
function setClock(at: Date | number) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(at)
}

/** A moment tomorrow (UTC), far from any rate-limit window boundary that matters to a test. */
function tomorrowAt(time: string) {
  const tomorrow = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS)
  return new Date(`${tomorrow.toISOString().slice(0, 10)}T${time}Z`)
}

async function confirmedCount(action: Action) {
  return (await readConfirmedCounts(t.db, [action.id])).get(action.id)
}

async function emailsAbout(action: Action, template?: string) {
  const rows = await t.db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.actionId, action.id))
    .orderBy(emailOutbox.createdAt)
  return template ? rows.filter((row) => row.template === template) : rows
}

async function emailsTo(address: string) {
  return t.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, address))
}

/** The token a supporter would follow: the last path segment of the emailed link. */
function tokenFromEmail(row: OutboxMessage | undefined, field = 'confirmUrl') {
  const url = (row?.payload as Record<string, string> | undefined)?.[field]
  if (!url) throw new Error(`no ${field} in ${JSON.stringify(row)}`)
  return new URL(url).pathname.split('/').at(-1)!
}

async function latestConfirmationToken(action: Action) {
  return tokenFromEmail((await emailsAbout(action, 'signature-confirmation')).at(-1))
}

/** Changes one character in the middle of a token part (the last one may be padding only). */
function tamper(token: string, part: 1 | 2 = 2) {
  const parts = token.split('.')
  const segment = parts[part]!
  const middle = Math.floor(segment.length / 2)
  parts[part] =
    segment.slice(0, middle) + (segment[middle] === 'A' ? 'B' : 'A') + segment.slice(middle + 1)
  return parts.join('.')
}

async function signaturesOn(action: Action) {
  return t.db.select().from(signatures).where(eq(signatures.actionId, action.id))
}

async function supporterByEmail(email: string) {
  const [row] = await t.db
    .select()
    .from(supporters)
    .where(eq(supporters.emailCanonical, email.trim().toLowerCase()))
  return row
}

async function supporterCount() {
  const [row] = await t.db.select({ n: count() }).from(supporters)
  return row!.n
}

async function followOf(supporterId: string, actionId: string) {
  const [row] = await t.db
    .select()
    .from(follows)
    .where(and(eq(follows.supporterId, supporterId), eq(follows.actionId, actionId)))
  return row
}

describe('signing', () => {
  test('signing stores a pending signature and writes one confirmation email; nothing is counted yet', async () => {
    const action = await createAction(t.db)
    const input = signInput({ firstName: 'Ximena', message: 'Free her now.' })
    const ipHash = freshIpHash()

    expect(await sign(action, input, ipHash)).toEqual({ status: 'accepted' })

    const [signature, ...others] = await signaturesOn(action)
    expect(others).toHaveLength(0)
    expect(signature).toMatchObject({
      status: 'pending',
      country: 'ES',
      personalMessage: 'Free her now.',
      ipHash,
      confirmedAt: null,
    })
    const supporter = await supporterByEmail(input.email)
    expect(supporter).toMatchObject({ email: input.email, firstName: 'Ximena', lastName: 'Ruiz' })
    expect(signature!.supporterId).toBe(supporter!.id)

    const emails = await emailsAbout(action)
    expect(emails).toHaveLength(1)
    expect(emails[0]).toMatchObject({
      template: 'signature-confirmation',
      toAddress: input.email,
      supporterId: supporter!.id,
      status: 'pending',
      transactional: true,
      payload: {
        firstName: 'Ximena',
        actionTitle: action.title,
        atRiskName: action.atRiskName,
        confirmUrl: expect.stringMatching(
          /^https:\/\/vigil\.test\/confirm\/[\w-]+\.[\w-]+\.[\w-]+$/,
        ),
      },
    })
    expect(emails[0]!.idempotencyKey).toMatch(new RegExp(`^confirm-signature:${signature!.id}:`))
    expect(await confirmedCount(action)).toBe(0)
  })

  test('confirming with the emailed token counts the signature exactly once', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const token = await latestConfirmationToken(action)

    const first = await signing.confirmSignature(token)
    expect(first).toEqual({
      status: 'ready',
      action: { slug: action.slug, title: action.title, atRiskName: action.atRiskName },
      signature: {
        firstName: 'Ana',
        lastName: 'Ruiz',
        country: 'ES',
        message: null,
        follow: false,
        news: false,
        submission: 1,
      },
    })
    const [signature] = await signaturesOn(action)
    expect(signature).toMatchObject({ status: 'confirmed', confirmedAt: expect.any(Date) })
    expect(await confirmedCount(action)).toBe(1)
    expect(await signing.getConfirmedCount(action.id)).toBe(1)
  })

  test('confirming again changes nothing and reports already-confirmed', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const token = await latestConfirmationToken(action)
    await signing.confirmSignature(token)
    const [confirmed] = await signaturesOn(action)

    const again = await signing.confirmSignature(token)
    expect(again).toMatchObject({ status: 'already-confirmed', action: { slug: action.slug } })
    expect(await signaturesOn(action)).toEqual([confirmed])
    expect(await confirmedCount(action)).toBe(1)
    expect(await signing.getConfirmationView(token)).toMatchObject({ status: 'already-confirmed' })
  })

  test('two confirmations at the same moment count once', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const token = await latestConfirmationToken(action)

    const outcomes = await Promise.all([
      signing.confirmSignature(token),
      signing.confirmSignature(token),
      signing.confirmSignature(token),
    ])
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([
      'already-confirmed',
      'already-confirmed',
      'ready',
    ])
    expect(await confirmedCount(action)).toBe(1)
  })

  test('opening the confirmation link confirms nobody: a mail scanner may open it', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput({ follow: true, news: true }))
    const token = await latestConfirmationToken(action)

    for (let open = 0; open < 3; open++) {
      expect(await signing.getConfirmationView(token)).toMatchObject({
        status: 'ready',
        action: { slug: action.slug, title: action.title, atRiskName: action.atRiskName },
        signature: { follow: true, news: true },
      })
    }
    const [signature] = await signaturesOn(action)
    expect(signature).toMatchObject({ status: 'pending', confirmedAt: null })
    expect(await followOf(signature!.supporterId, action.id)).toBeUndefined()
    const [supporter] = await t.db
      .select()
      .from(supporters)
      .where(eq(supporters.id, signature!.supporterId))
    expect(supporter!.newsConsentAt).toBeNull()
    expect(await confirmedCount(action)).toBe(0)
  })

  test('confirming writes a letter to each authority, and thanks the supporter with the letter to the first target listed', async () => {
    const action = await createAction(t.db)
    // Stored first, the factory's minister is now the last target; a copy listed before every
    // target still comes after them.
    await t.db.update(authorities).set({ position: 3 }).where(eq(authorities.actionId, action.id))
    await t.db.insert(authorities).values([
      {
        actionId: action.id,
        role: 'copy',
        position: 0,
        name: 'Cora Copy',
        title: 'Ambassador',
        salutation: 'Dear Ambassador',
        email: `ambassador-${letters(8)}@embassy.example`,
      },
      {
        actionId: action.id,
        position: 2,
        name: 'Sam Second',
        title: 'Prosecutor',
        salutation: 'Dear Prosecutor',
        postalAddress: '1 Court Road, Nairobi',
      },
    ])
    // A template written later (in another language) is not the letter quoted.
    await t.db.insert(letterTemplates).values({
      actionId: action.id,
      language: 'fr',
      subject: 'Later',
      body: 'A later template, {{supporter.firstName}}.',
      createdAt: new Date(Date.now() + 60_000),
    })
    await sign(action, signInput({ firstName: 'Lena', lastName: 'Okoro' }))
    expect(await signing.confirmSignature(await latestConfirmationToken(action))).toMatchObject({
      status: 'ready',
    })

    const [signature] = await signaturesOn(action)
    const written = await t.db
      .select({ status: letterRows.status })
      .from(letterRows)
      .where(eq(letterRows.signatureId, signature!.id))
    // Emailed to the two with an address; printed for the one without.
    expect(written.map((row) => row.status).sort()).toEqual(['hand', 'queued', 'queued'])
    const [thanks] = await emailsAbout(action, 'signature-thank-you')
    expect(thanks!.payload).toMatchObject({
      firstName: 'Lena',
      authorityName: 'Sam Second, Prosecutor',
      letter: expect.stringMatching(/^Dear Prosecutor,[\s\S]*Lena Okoro$/),
    })
  })

  test('an action without authorities or a letter template still confirms, and thanks without a letter', async () => {
    const action = await createAction(t.db)
    await t.db.delete(authorities).where(eq(authorities.actionId, action.id))
    await t.db.delete(letterTemplates).where(eq(letterTemplates.actionId, action.id))
    await sign(action, signInput())
    expect(await signing.confirmSignature(await latestConfirmationToken(action))).toMatchObject({
      status: 'ready',
    })
    expect(await confirmedCount(action)).toBe(1)
    const [thanks] = await emailsAbout(action, 'signature-thank-you')
    expect(thanks!.payload).toMatchObject({ authorityName: '', letter: '' })
  })

  test('a withdrawn signature cannot be confirmed, and is not counted', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const token = await latestConfirmationToken(action)
    await t.db
      .update(signatures)
      .set({ status: 'invalidated', invalidationReason: 'test', invalidatedAt: new Date() })
      .where(eq(signatures.actionId, action.id))
    expect(await signing.confirmSignature(token)).toEqual({ status: 'withdrawn' })
    expect(await confirmedCount(action)).toBe(0)
    expect(await emailsAbout(action, 'signature-thank-you')).toEqual([])
  })

  test('a confirmation that fails part way writes nothing (no count, letter, thanks or follow), and says what failed', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput({ follow: true }))
    const token = await latestConfirmationToken(action)
    const [pending] = await signaturesOn(action)
    // The thank-you's insert fails, among the writes sent together after the confirming update;
    // the letters' insert before it succeeds, and its wake-up after is refused ("transaction is
    // aborted"): the error given is the thank-you's.
    await t.db.execute(
      sql.raw(`create or replace function fail_thanks() returns trigger language plpgsql as
        $$ begin raise exception 'thanks refused for this test'; end $$;
        create trigger fail_thanks before insert on email_outbox for each row
        when (new.template = 'signature-thank-you' and new.supporter_id = '${pending!.supporterId}')
        execute function fail_thanks()`),
    )
    try {
      await expect(signing.confirmSignature(token)).rejects.toMatchObject({
        cause: { message: 'thanks refused for this test' },
      })
    } finally {
      await t.db.execute(sql`drop trigger if exists fail_thanks on email_outbox`)
    }
    expect(
      await t.db.select().from(letterRows).where(eq(letterRows.signatureId, pending!.id)),
    ).toEqual([])
    const [after] = await signaturesOn(action)
    expect(after).toMatchObject({ status: 'pending', confirmedAt: null })
    expect(await confirmedCount(action)).toBe(0)
    expect(await emailsAbout(action, 'signature-thank-you')).toEqual([])
    expect(await followOf(pending!.supporterId, action.id)).toBeUndefined()
    // The link still works once the fault is gone.
    expect(await signing.confirmSignature(token)).toMatchObject({ status: 'ready' })
    expect(await confirmedCount(action)).toBe(1)
  })
})

describe('signing again', () => {
  test('signing twice with another letter case, spaces, gmail dots or a +tag counts once', async () => {
    const action = await createAction(t.db)
    const local = `maria.${letters(4)}.lopez`
    const email = `${local}@gmail.com`
    const supportersBefore = await supporterCount()

    const outcomes = [await sign(action, signInput({ email }))]
    for (const typed of [
      email.toUpperCase(),
      `  ${email}  `,
      `${local.replaceAll('.', '')}@gmail.com`,
      `${local}+urgent@gmail.com`,
      `${local}@googlemail.com`,
    ]) {
      outcomes.push(await sign(action, signInput({ email: typed })))
    }

    expect(outcomes).toEqual(Array(6).fill({ status: 'accepted' }))
    expect(await signaturesOn(action)).toHaveLength(1)
    expect(await supporterCount()).toBe(supportersBefore + 1)
    await signing.confirmSignature(await latestConfirmationToken(action))
    expect(await confirmedCount(action)).toBe(1)
  })

  test('a stranger who signed first with my address cannot speak for me: my own form replaces theirs, and my confirmation confirms mine', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    // Someone else types the address first, with their words and a news consent.
    await sign(
      action,
      signInput({
        email,
        firstName: 'Mallory',
        lastName: 'Other',
        message: 'Not mine.',
        news: true,
      }),
    )
    setClock(Date.now() + 2 * 60_000)
    await sign(
      action,
      signInput({
        email: email.toUpperCase(),
        firstName: 'Ana',
        lastName: 'Ruiz',
        message: 'Mine.',
      }),
    )

    // Nothing unconfirmed reaches the supporter: the names stay those of first contact for now.
    expect(await supporterByEmail(email)).toMatchObject({
      firstName: 'Mallory',
      newsConsentAt: null,
    })
    const [pending] = await signaturesOn(action)
    expect(pending).toMatchObject({
      firstName: 'Ana',
      lastName: 'Ruiz',
      personalMessage: 'Mine.',
      wantsNews: false,
      submission: 2,
    })
    // Each form sends the address a link greeting the name typed; the page shows what it confirms.
    const confirmations = await emailsAbout(action, 'signature-confirmation')
    expect(confirmations.map((row) => row.payload)).toMatchObject([
      { firstName: 'Mallory' },
      { firstName: 'Ana' },
    ])
    const firstLink = tokenFromEmail(confirmations[0])
    const view = await signing.getConfirmationView(firstLink)
    expect(view).toMatchObject({
      status: 'ready',
      signature: {
        firstName: 'Ana',
        lastName: 'Ruiz',
        message: 'Mine.',
        news: false,
        submission: 2,
      },
    })

    expect(await signing.confirmSignature(firstLink, { submission: 2 })).toMatchObject({
      status: 'ready',
    })
    expect(await supporterByEmail(email)).toMatchObject({
      firstName: 'Ana',
      lastName: 'Ruiz',
      newsConsentAt: null,
    })
    const [confirmed] = await signaturesOn(action)
    expect(confirmed).toMatchObject({ status: 'confirmed', personalMessage: 'Mine.' })
    const [thanks] = await emailsAbout(action, 'signature-thank-you')
    expect(thanks!.payload).toMatchObject({ firstName: 'Ana' })
    expect((thanks!.payload as { letter: string }).letter).toContain('Ana Ruiz')
    expect((thanks!.payload as { letter: string }).letter).not.toContain('Mallory')
  })

  test('a form sent after the owner opened the confirmation page confirms nothing: the page shows the new details', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    await sign(action, signInput({ email, message: 'Mine.' }))
    const link = await latestConfirmationToken(action)
    const seen = await signing.getConfirmationView(link)
    expect(seen).toMatchObject({ status: 'ready', signature: { submission: 1 } })

    setClock(Date.now() + 2 * 60_000)
    await sign(action, signInput({ email, firstName: 'Mallory', message: 'Not mine.' }))

    expect(await signing.confirmSignature(link, { submission: 1 })).toMatchObject({
      status: 'changed',
      signature: { firstName: 'Mallory', message: 'Not mine.', submission: 2 },
    })
    const [signature] = await signaturesOn(action)
    expect(signature).toMatchObject({ status: 'pending', confirmedAt: null })
    expect(await confirmedCount(action)).toBe(0)
  })

  test("the address's owner can cancel a stranger's pending signature from its link, then sign with their own details", async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    const start = tomorrowAt('11:00:00')
    // A stranger sends the form with this address until no more links go out today.
    for (let attempt = 0; attempt < 5; attempt++) {
      setClock(start.getTime() + attempt * 5 * 60_000)
      await sign(action, signInput({ email, firstName: 'Mallory', message: `Spam ${attempt}` }))
    }
    const links = await emailsAbout(action, 'signature-confirmation')
    expect(links).toHaveLength(4)
    const [stale] = await signaturesOn(action)

    expect(await signing.cancelPendingSignature(tokenFromEmail(links[0]))).toMatchObject({
      status: 'cancelled',
    })
    expect(await signaturesOn(action)).toEqual([])
    expect(await confirmedCount(action)).toBe(0)
    const unsent = await emailsAbout(action, 'signature-confirmation')
    expect(unsent.map((row) => row.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ])
    // Its links no longer confirm anything.
    expect(await signing.confirmSignature(tokenFromEmail(links[3]))).toEqual({ status: 'invalid' })

    setClock(start.getTime() + 30 * 60_000)
    await sign(action, signInput({ email, firstName: 'Ana', message: 'Mine.' }))
    const [fresh] = await signaturesOn(action)
    expect(fresh).toMatchObject({ firstName: 'Ana', personalMessage: 'Mine.', status: 'pending' })
    expect(fresh!.id).not.toBe(stale!.id)
    expect(await signing.confirmSignature(await latestConfirmationToken(action))).toMatchObject({
      status: 'ready',
      signature: { firstName: 'Ana', message: 'Mine.' },
    })
  })

  test('a confirmed signature cannot be cancelled from its link', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const link = await latestConfirmationToken(action)
    await signing.confirmSignature(link)
    expect(await signing.cancelPendingSignature(link)).toMatchObject({
      status: 'already-confirmed',
    })
    expect(await confirmedCount(action)).toBe(1)
  })

  test('past the resend limit a form changes nothing, so the last link sent still confirms what it showed', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    const start = tomorrowAt('10:00:00')
    for (let attempt = 0; attempt < 4; attempt++) {
      setClock(start.getTime() + attempt * 5 * 60_000)
      await sign(action, signInput({ email, message: `Form ${attempt}` }))
    }
    setClock(start.getTime() + 4 * 5 * 60_000)
    await sign(action, signInput({ email, firstName: 'Mallory', message: 'Too late.' }))

    const [signature] = await signaturesOn(action)
    expect(signature).toMatchObject({ firstName: 'Ana', personalMessage: 'Form 3', submission: 4 })
    expect(await emailsAbout(action, 'signature-confirmation')).toHaveLength(4)
  })

  test('while pending, signing again sends the confirmation again, at most three times a day', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    const start = tomorrowAt('10:00:00')
    const outcomes = []
    for (let attempt = 0; attempt < 6; attempt++) {
      // Minutes apart: a double-click within one minute is one email by design.
      setClock(start.getTime() + attempt * 5 * 60_000)
      const typed = attempt % 2 ? email.toUpperCase() : email
      outcomes.push(await sign(action, signInput({ email: typed })))
    }

    expect(outcomes).toEqual(Array(6).fill({ status: 'accepted' }))
    const confirmations = await emailsAbout(action, 'signature-confirmation')
    expect(confirmations).toHaveLength(1 + 3)
    expect(await signaturesOn(action)).toHaveLength(1)
    // Every link sent confirms the same signature.
    expect(await signing.confirmSignature(tokenFromEmail(confirmations[0]))).toMatchObject({
      status: 'ready',
    })
    expect(await signing.confirmSignature(tokenFromEmail(confirmations[3]))).toMatchObject({
      status: 'already-confirmed',
    })
    expect(await confirmedCount(action)).toBe(1)
  })

  test('a double-clicked sign button writes one confirmation email', async () => {
    const action = await createAction(t.db)
    const input = signInput()
    setClock(tomorrowAt('11:00:10'))

    await Promise.all([sign(action, input), sign(action, input)])

    expect(await emailsAbout(action, 'signature-confirmation')).toHaveLength(1)
    expect(await signaturesOn(action)).toHaveLength(1)
  })

  test('once confirmed, signing again writes a signature-already-confirmed email instead', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    const first = await sign(action, signInput({ email, firstName: 'Ximena' }))
    await signing.confirmSignature(await latestConfirmationToken(action))

    const second = await sign(action, signInput({ email: ` ${email.toUpperCase()} ` }))
    const third = await sign(action, signInput({ email }))

    expect([second, third]).toEqual([first, first])
    const emails = await emailsAbout(action)
    expect(emails.map((row) => row.template)).toEqual([
      'signature-confirmation',
      // Confirming thanks the supporter, with a copy of their letter.
      'signature-thank-you',
      'signature-already-confirmed',
    ])
    expect(emails[2]).toMatchObject({
      payload: {
        firstName: 'Ximena',
        actionTitle: action.title,
        actionUrl: `https://vigil.test/actions/${action.slug}`,
      },
    })
    // At most one such email a day, however often the form is sent.
    expect(emails[2]!.idempotencyKey).toMatch(/^already-signed:[\w-]+:\d{4}-\d{2}-\d{2}$/)
    expect(await signaturesOn(action)).toHaveLength(1)
    expect(await confirmedCount(action)).toBe(1)
  })
})

describe('links that do not confirm', () => {
  test.each([
    ['signature', 2],
    ['claims', 1],
  ] as const)(
    'a token with one character of its %s changed is refused as invalid',
    async (_part, index) => {
      const action = await createAction(t.db)
      await sign(action, signInput())
      const tampered = tamper(await latestConfirmationToken(action), index)

      expect(await signing.getConfirmationView(tampered)).toEqual({ status: 'invalid' })
      expect(await signing.confirmSignature(tampered)).toEqual({ status: 'invalid' })
      expect((await signaturesOn(action))[0]!.status).toBe('pending')
      expect(await confirmedCount(action)).toBe(0)
    },
  )

  test('a token made for another purpose is refused as invalid', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const [signature] = await signaturesOn(action)
    const unsubscribeToken = await tokens.createLinkToken('unsubscribe', {
      sup: signature!.supporterId,
      act: action.id,
    })
    const followToken = await tokens.createLinkToken('confirm-follow', {
      sup: signature!.supporterId,
      act: action.id,
    })

    for (const token of [unsubscribeToken, followToken]) {
      expect(await signing.confirmSignature(token)).toEqual({ status: 'invalid' })
    }
    expect((await signaturesOn(action))[0]!.status).toBe('pending')
    expect(await confirmedCount(action)).toBe(0)
  })

  test('a well-signed token for a signature that does not exist is refused as invalid', async () => {
    const token = await tokens.createLinkToken('confirm-signature', { sid: crypto.randomUUID() })
    expect(await signing.confirmSignature(token)).toEqual({ status: 'invalid' })
  })

  test('a confirmation link older than seven days is refused as expired; six days is fine', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const token = await latestConfirmationToken(action)
    const sentAt = Date.now()

    setClock(sentAt + 8 * DAY_MS)
    expect(await signing.getConfirmationView(token)).toEqual({ status: 'expired' })
    expect(await signing.confirmSignature(token)).toEqual({ status: 'expired' })
    expect((await signaturesOn(action))[0]!.status).toBe('pending')
    expect(await confirmedCount(action)).toBe(0)

    setClock(sentAt + 6 * DAY_MS)
    expect(await signing.confirmSignature(token)).toMatchObject({ status: 'ready' })
    expect(await confirmedCount(action)).toBe(1)
  })
})

describe('actions that are not open', () => {
  test.each([
    ['closed', { status: 'closed', closedAt: new Date() }],
    ['paused', { pausedAt: new Date(), pausedReason: 'The family asked us to pause.' }],
    [
      'draft',
      {
        status: 'draft',
        reference: null,
        referenceYear: null,
        referenceNumber: null,
        launchedAt: null,
      },
    ],
  ] as const)('a %s action refuses signatures and stores nothing', async (_kind, overrides) => {
    const action = await createAction(t.db, overrides)
    const input = signInput({ follow: true })
    const supportersBefore = await supporterCount()

    expect(await sign(action, input)).toEqual({ status: 'not-open' })

    expect(await signaturesOn(action)).toHaveLength(0)
    expect(await emailsTo(input.email)).toHaveLength(0)
    expect(await supporterCount()).toBe(supportersBefore)
    expect(await t.db.select().from(follows).where(eq(follows.actionId, action.id))).toHaveLength(0)
  })

  test('an unknown action refuses signatures', async () => {
    const outcome = await signing.signAction({
      slug: 'no-such-action',
      input: signInput(),
      ipHash: freshIpHash(),
      locale: 'en',
    })
    expect(outcome).toEqual({ status: 'not-open' })
  })

  test('a pending signature cannot be confirmed once its action has closed', async () => {
    const action = await createAction(t.db)
    await sign(action, signInput())
    const token = await latestConfirmationToken(action)
    await t.db
      .update(actions)
      .set({ status: 'closed', closedAt: new Date() })
      .where(eq(actions.id, action.id))

    expect(await signing.getConfirmationView(token)).toMatchObject({ status: 'not-open' })
    expect(await signing.confirmSignature(token)).toMatchObject({ status: 'not-open' })
    expect((await signaturesOn(action))[0]!.status).toBe('pending')
    expect(await confirmedCount(action)).toBe(0)
  })
})

describe('rate limits', () => {
  test(`the ${SIGNS_PER_IP + 1}th signature from one IP within ten minutes is refused and stores nothing`, async () => {
    const action = await createAction(t.db)
    const ipHash = freshIpHash()
    setClock(tomorrowAt('12:00:30'))
    for (let n = 0; n < SIGNS_PER_IP; n++) {
      expect(await sign(action, signInput(), ipHash)).toEqual({ status: 'accepted' })
    }
    const input = signInput()
    const supportersBefore = await supporterCount()

    const refusal = await sign(action, input, ipHash).catch((error: unknown) => error)

    expect(refusal).toBeInstanceOf(rateLimits.RateLimitedError)
    expect(refusal).toMatchObject({ bucket: 'sign-ip', retryAfterSeconds: 600 - 30 })
    expect(await signaturesOn(action)).toHaveLength(SIGNS_PER_IP)
    expect(await supporterCount()).toBe(supportersBefore)
    expect(await supporterByEmail(input.email)).toBeUndefined()
    expect(await emailsTo(input.email)).toHaveLength(0)
    // Another IP is not affected.
    expect(await sign(action, signInput(), freshIpHash())).toEqual({ status: 'accepted' })
  })

  test(`the ${SIGNS_PER_ADDRESS + 1}th attempt with one address within an hour is refused, from any IP`, async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    setClock(tomorrowAt('13:00:00'))
    for (let n = 0; n < SIGNS_PER_ADDRESS; n++) {
      const typed = n % 2 ? email.toUpperCase() : email
      expect(await sign(action, signInput({ email: typed }))).toEqual({ status: 'accepted' })
    }
    const emailsBefore = await emailsAbout(action)

    const refusal = await sign(action, signInput({ email })).catch((error: unknown) => error)

    expect(refusal).toBeInstanceOf(rateLimits.RateLimitedError)
    expect(refusal).toMatchObject({ bucket: 'sign-email', retryAfterSeconds: 3600 })
    expect(await emailsAbout(action)).toEqual(emailsBefore)
    expect(await signaturesOn(action)).toHaveLength(1)
  })
})

describe('signatures arriving together (a surge)', () => {
  // Signatures that arrive while others are being written are written together, in one
  // transaction. Each signer must get exactly what they would have got alone.

  /**
   * Signs everything at once while the signatures table is locked, so that the first write
   * waits and every later signature queues behind it: once the lock goes, those are written
   * together in one batch, as in a surge.
   */
  async function signTogether(requests: (() => Promise<unknown>)[]) {
    const unlock = await holdLock(sql`lock table signatures in share mode`)
    const outcomes = Promise.allSettled(requests.map((request) => request()))
    // The first batch waits on the lock (a web process writes one at a time); give the rest
    // time to queue behind it.
    await waitForLockWaiters('signatures', 1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await unlock()
    return outcomes
  }

  /** Takes a lock in a transaction of its own, held until the function returned is called. */
  async function holdLock(statement: SQL) {
    let release!: () => void
    let locked!: () => void
    const isLocked = new Promise<void>((resolve) => (locked = resolve))
    const holding = t.db.transaction(async (tx) => {
      await tx.execute(statement)
      locked()
      await new Promise<void>((resolve) => (release = resolve))
    })
    await isLocked
    return async () => {
      release()
      await holding
    }
  }

  async function waitForLockWaiters(table: string, waiters: number) {
    for (let tries = 0; tries < 200; tries++) {
      const [row] = await t.db.execute<{ n: number }>(sql`
        select count(*)::int as n from pg_locks
        where relation = ${table}::regclass and not granted`)
      if (row!.n >= waiters) return
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`no ${waiters} writers waiting on ${table}`)
  }
  test('forty at once on two actions: every one stored once, with its own confirmation email', async () => {
    const [first, second] = [await createAction(t.db), await createAction(t.db)]
    const inputs = Array.from({ length: 40 }, (_, i) => signInput({ follow: i % 2 === 0 }))

    const outcomes = await signTogether(
      inputs.map((input, i) => () => sign(i % 4 === 0 ? second! : first!, input)),
    )

    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(40).fill('fulfilled'))
    expect(await signaturesOn(first!)).toHaveLength(30)
    expect(await signaturesOn(second!)).toHaveLength(10)
    for (const [i, input] of inputs.entries()) {
      const emails = await emailsTo(input.email)
      expect(emails.map((email) => email.template)).toEqual(['signature-confirmation'])
      const supporter = await supporterByEmail(input.email)
      const action = i % 4 === 0 ? second! : first!
      expect(emails[0]!.actionId).toBe(action.id)
      const [signature] = await t.db
        .select()
        .from(signatures)
        .where(and(eq(signatures.supporterId, supporter!.id), eq(signatures.actionId, action.id)))
      expect(signature).toMatchObject({ firstName: 'Ana', wantsFollow: i % 2 === 0 })
    }
  })

  test('the same address twice at once: one signature, and nothing lost or doubled', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()

    const inputs = [
      signInput(),
      signInput(),
      signInput({ email }),
      signInput(),
      signInput({ email: email.toUpperCase() }),
      signInput(),
    ]

    const outcomes = await signTogether(inputs.map((input) => () => sign(action, input)))

    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(6).fill('fulfilled'))
    expect(await signaturesOn(action)).toHaveLength(5)
    // The second arrival is a repeat within the same minute: like a double click, one email,
    // to the address as the first arrival typed it.
    const confirmations = (await emailsAbout(action, 'signature-confirmation')).filter(
      (row) => row.toAddress.toLowerCase() === email,
    )
    expect(confirmations).toHaveLength(1)
  })

  test(`the per-IP limit holds for requests arriving together: ${SIGNS_PER_IP} of 8 pass`, async () => {
    const action = await createAction(t.db)
    const ipHash = freshIpHash()
    setClock(tomorrowAt('15:00:30'))

    const outcomes = await signTogether(
      Array.from({ length: 8 }, () => () => sign(action, signInput(), ipHash)),
    )

    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
    expect(accepted).toHaveLength(SIGNS_PER_IP)
    expect(refused).toHaveLength(8 - SIGNS_PER_IP)
    for (const refusal of refused) {
      expect(refusal.reason).toBeInstanceOf(rateLimits.RateLimitedError)
      expect(refusal.reason).toMatchObject({ bucket: 'sign-ip', retryAfterSeconds: 600 - 30 })
    }
    expect(await signaturesOn(action)).toHaveLength(SIGNS_PER_IP)
  })

  test('a signature the database refuses fails alone; the others arriving with it are stored', async () => {
    const action = await createAction(t.db)
    // Past the database's own length check: the form never lets this through, but if anything
    // ever did, one bad row must not cost the signers written with it their signatures.
    const bad = signInput({ message: 'x'.repeat(2001) })
    const good = Array.from({ length: 12 }, () => signInput())

    // In the middle, so that it is written in a batch with others, not alone.
    const inputs = [...good.slice(0, 6), bad, ...good.slice(6)]

    const outcomes = await signTogether(inputs.map((input) => () => sign(action, input)))

    expect(outcomes.map((outcome) => outcome.status)).toEqual(
      inputs.map((input) => (input === bad ? 'rejected' : 'fulfilled')),
    )
    const stored = await signaturesOn(action)
    expect(stored).toHaveLength(12)
    expect(await supporterByEmail(bad.email)).toBeUndefined()
    expect(await emailsTo(bad.email)).toHaveLength(0)
    for (const input of good) expect(await emailsTo(input.email)).toHaveLength(1)
  })

  test('a lock held elsewhere fails a batch at the lock timeout, before the deadline, and signing goes on', async () => {
    const action = await createAction(t.db)
    const unlock = await holdLock(sql`lock table supporters in exclusive mode`)
    const input = signInput()
    const refused = await sign(action, input).catch((error: unknown) => error)
    await unlock()
    // PostgreSQL's lock timeout (5 s, set before the batch's first write), not the writer's
    // deadline (6 s, which has no cause): the timeout covers that write.
    expect(refused).toBeInstanceOf(signing.SigningUnavailableError)
    expect((refused as Error).cause).toMatchObject({ code: '55P03' })
    expect(await sign(action, input)).toEqual({ status: 'accepted' })
  }, 20_000)
})

describe('following a case when signing', () => {
  test('the follow choice starts a follow on confirmation, not before', async () => {
    const action = await createAction(t.db)
    const input = signInput({ follow: true })
    await sign(action, input)
    const supporter = await supporterByEmail(input.email)
    expect(await followOf(supporter!.id, action.id)).toBeUndefined()

    await signing.confirmSignature(await latestConfirmationToken(action))

    expect(await followOf(supporter!.id, action.id)).toMatchObject({
      status: 'active',
      confirmedAt: expect.any(Date),
    })
  })

  test('the news choice records consent on the supporter only on confirmation', async () => {
    const action = await createAction(t.db)
    const input = signInput({ news: true })
    await sign(action, input)
    expect((await supporterByEmail(input.email))!.newsConsentAt).toBeNull()

    await signing.confirmSignature(await latestConfirmationToken(action))

    expect((await supporterByEmail(input.email))!.newsConsentAt).toBeInstanceOf(Date)
  })

  test('without either choice, confirming creates no follow and no news consent', async () => {
    const action = await createAction(t.db)
    const input = signInput()
    await sign(action, input)
    await signing.confirmSignature(await latestConfirmationToken(action))

    const supporter = await supporterByEmail(input.email)
    expect(supporter!.newsConsentAt).toBeNull()
    expect(await followOf(supporter!.id, action.id)).toBeUndefined()
  })
})

describe('following and signing, in either order', () => {
  const follow = (action: Action, email: string) =>
    following.followAction({ slug: action.slug, email, ipHash: freshIpHash(), locale: 'en' })

  test('someone who first only followed a case, then signs another, has their name on file once confirmed: thanked, and their letters named', async () => {
    const [followed, signed] = [await createAction(t.db), await createAction(t.db)]
    const email = freshEmail()
    await follow(followed, email)
    expect(await supporterByEmail(email)).toMatchObject({ firstName: null, lastName: null })

    await sign(signed, signInput({ email, firstName: 'Ines', lastName: 'Mora' }))
    await signing.confirmSignature(await latestConfirmationToken(signed))

    expect(await supporterByEmail(email)).toMatchObject({ firstName: 'Ines', lastName: 'Mora' })
    const [thanks] = await emailsAbout(signed, 'signature-thank-you')
    expect(thanks!.payload).toMatchObject({ firstName: 'Ines' })
    const [signature] = await signaturesOn(signed)
    expect(
      await t.db.select().from(letterRows).where(eq(letterRows.signatureId, signature!.id)),
    ).not.toEqual([])
  })

  test('a letter is signed with the name confirmed with its signature, even after its signer confirms another case under another name', async () => {
    const [first, second] = [await createAction(t.db), await createAction(t.db)]
    const email = freshEmail()
    await sign(first, signInput({ email, firstName: 'Ana', lastName: 'Ruiz' }))
    await signing.confirmSignature(await latestConfirmationToken(first))
    await sign(second, signInput({ email, firstName: 'Ana', lastName: 'Ruiz Vidal' }))
    await signing.confirmSignature(await latestConfirmationToken(second))
    expect(await supporterByEmail(email)).toMatchObject({ lastName: 'Ruiz Vidal' })

    const [signature] = await signaturesOn(first)
    const [letter] = await t.db
      .select()
      .from(letterRows)
      .where(eq(letterRows.signatureId, signature!.id))
    const loaded = await emailLoaders['authority-letter']!.load(
      t.db,
      { letterId: letter!.id },
      'https://vigil.test',
    )
    expect(loaded).toMatchObject({ params: { supporterName: 'Ana Ruiz' } })
  })

  test('confirming a signature made without the follow choice leaves a follow someone else asked for unconfirmed', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    // A follow form sent with this address, never confirmed from it.
    await follow(action, email)
    await sign(action, signInput({ email, follow: false }))
    await signing.confirmSignature(await latestConfirmationToken(action))

    const supporter = await supporterByEmail(email)
    expect(await followOf(supporter!.id, action.id)).toMatchObject({ status: 'pending' })
  })

  test('signing with the follow choice after unsubscribing from the case follows it again once confirmed', async () => {
    const action = await createAction(t.db)
    const input = signInput()
    await follow(action, input.email)
    const supporter = await supporterByEmail(input.email)
    await t.db
      .update(follows)
      .set({ status: 'unsubscribed', unsubscribedAt: new Date() })
      .where(and(eq(follows.supporterId, supporter!.id), eq(follows.actionId, action.id)))

    await sign(action, { ...input, follow: true })
    await signing.confirmSignature(await latestConfirmationToken(action))

    expect(await followOf(supporter!.id, action.id)).toMatchObject({
      status: 'active',
      unsubscribedAt: null,
    })
  })

  test('a follow confirmed after unsubscribing from everything lifts it for that case; the other cases stay unsubscribed', async () => {
    const [before, after] = [await createAction(t.db), await createAction(t.db)]
    const email = freshEmail()
    await follow(before, email)
    const supporter = await supporterByEmail(email)
    await following.confirmFollow(
      tokenFromEmail((await emailsAbout(before, 'follow-confirmation'))[0]),
    )
    const unsubscribeToken = await tokens.createLinkToken('unsubscribe', {
      sup: supporter!.id,
      act: null,
    })
    await following.unsubscribe(unsubscribeToken, 'all')
    expect((await supporterByEmail(email))!.unsubscribedAllAt).toBeInstanceOf(Date)

    await follow(after, email)
    await following.confirmFollow(
      tokenFromEmail((await emailsAbout(after, 'follow-confirmation'))[0]),
    )

    expect((await supporterByEmail(email))!.unsubscribedAllAt).toBeNull()
    expect(await followOf(supporter!.id, after.id)).toMatchObject({ status: 'active' })
    expect(await followOf(supporter!.id, before.id)).toMatchObject({ status: 'unsubscribed' })
  })
})

describe('following a case without signing', () => {
  const follow = (action: Action, email: string) =>
    following.followAction({ slug: action.slug, email, ipHash: freshIpHash(), locale: 'en' })

  test('following writes a follow-confirmation email, and confirming activates the follow', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()

    expect(await follow(action, email)).toEqual({ status: 'accepted' })

    const supporter = await supporterByEmail(email)
    expect(await followOf(supporter!.id, action.id)).toMatchObject({ status: 'pending' })
    const [confirmation, ...others] = await emailsAbout(action)
    expect(others).toHaveLength(0)
    expect(confirmation).toMatchObject({
      template: 'follow-confirmation',
      toAddress: email,
      supporterId: supporter!.id,
      payload: {
        actionTitle: action.title,
        atRiskName: action.atRiskName,
        confirmUrl: expect.stringMatching(/^https:\/\/vigil\.test\/follow\//),
      },
    })
    const token = tokenFromEmail(confirmation)

    // Opening the link changes nothing; only the page's button does.
    expect(await following.getFollowView(token)).toMatchObject({ status: 'ready' })
    expect(await followOf(supporter!.id, action.id)).toMatchObject({ status: 'pending' })

    expect(await following.confirmFollow(token)).toMatchObject({
      status: 'ready',
      action: { slug: action.slug },
    })
    expect(await followOf(supporter!.id, action.id)).toMatchObject({
      status: 'active',
      confirmedAt: expect.any(Date),
    })
    expect(await following.getFollowView(token)).toMatchObject({ status: 'already-following' })
    // No signature was made by following.
    expect(await signaturesOn(action)).toHaveLength(0)
  })

  test('following again while pending sends the confirmation again; an active follower gets no email', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    const start = tomorrowAt('14:00:00')
    setClock(start)
    const first = await follow(action, email)
    setClock(start.getTime() + 5 * 60_000)
    const second = await follow(action, email.toUpperCase())
    const confirmations = await emailsAbout(action, 'follow-confirmation')
    expect(confirmations).toHaveLength(2)
    await following.confirmFollow(tokenFromEmail(confirmations[1]))

    setClock(start.getTime() + 10 * 60_000)
    const third = await follow(action, email)

    expect([second, third]).toEqual([first, first])
    expect(await emailsAbout(action)).toHaveLength(2)
    const supporter = await supporterByEmail(email)
    expect(await followOf(supporter!.id, action.id)).toMatchObject({ status: 'active' })
  })

  test('a tampered follow link is refused and activates nothing', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    await follow(action, email)
    const token = tokenFromEmail((await emailsAbout(action, 'follow-confirmation'))[0])

    expect(await following.confirmFollow(tamper(token))).toEqual({ status: 'invalid' })
    const supporter = await supporterByEmail(email)
    expect(await followOf(supporter!.id, action.id)).toMatchObject({ status: 'pending' })
  })

  test('a draft action cannot be followed', async () => {
    const action = await createAction(t.db, {
      status: 'draft',
      reference: null,
      referenceYear: null,
      referenceNumber: null,
      launchedAt: null,
    })
    const email = freshEmail()
    expect(await follow(action, email)).toEqual({ status: 'not-open' })
    expect(await supporterByEmail(email)).toBeUndefined()
    expect(await emailsTo(email)).toHaveLength(0)
  })
})

describe('unsubscribing', () => {
  /** A supporter who follows two cases and agreed to news. */
  async function followerOfTwoCases() {
    const first = await createAction(t.db)
    const second = await createAction(t.db)
    const supporter = await createSupporter(t.db, { newsConsentAt: new Date() })
    await t.db.insert(follows).values(
      [first, second].map((action) => ({
        supporterId: supporter.id,
        actionId: action.id,
        status: 'active' as const,
        confirmedAt: new Date(),
      })),
    )
    return { supporter, first, second }
  }

  async function supporterById(id: string) {
    const [row] = await t.db.select().from(supporters).where(eq(supporters.id, id))
    return row!
  }

  test('unsubscribing from one case stops that case only', async () => {
    const { supporter, first, second } = await followerOfTwoCases()
    const token = await tokens.createLinkToken('unsubscribe', { sup: supporter.id, act: first.id })

    // The page the link opens changes nothing by itself.
    expect(await following.getUnsubscribeView(token)).toEqual({
      status: 'ready',
      action: { title: first.title, atRiskName: first.atRiskName },
    })
    expect(await followOf(supporter.id, first.id)).toMatchObject({ status: 'active' })

    expect(await following.unsubscribe(token, 'case')).toEqual({
      status: 'unsubscribed',
      scope: 'case',
    })
    expect(await followOf(supporter.id, first.id)).toMatchObject({
      status: 'unsubscribed',
      unsubscribedAt: expect.any(Date),
    })
    expect(await followOf(supporter.id, second.id)).toMatchObject({ status: 'active' })
    expect(await supporterById(supporter.id)).toMatchObject({
      unsubscribedAllAt: null,
      newsConsentAt: expect.any(Date),
    })
  })

  test('unsubscribing from everything stops every case and the news', async () => {
    const { supporter, first, second } = await followerOfTwoCases()
    const token = await tokens.createLinkToken('unsubscribe', { sup: supporter.id, act: first.id })

    expect(await following.unsubscribe(token, 'all')).toEqual({
      status: 'unsubscribed',
      scope: 'all',
    })
    expect(await supporterById(supporter.id)).toMatchObject({
      unsubscribedAllAt: expect.any(Date),
      newsConsentAt: null,
    })
    expect(await followOf(supporter.id, first.id)).toMatchObject({ status: 'unsubscribed' })
    expect(await followOf(supporter.id, second.id)).toMatchObject({ status: 'unsubscribed' })
  })

  test('a tampered unsubscribe link, or a link made for something else, is refused', async () => {
    const { supporter, first, second } = await followerOfTwoCases()
    const token = await tokens.createLinkToken('unsubscribe', { sup: supporter.id, act: first.id })
    const followToken = await tokens.createLinkToken('confirm-follow', {
      sup: supporter.id,
      act: first.id,
    })

    for (const refused of [tamper(token), tamper(token, 1), followToken]) {
      expect(await following.getUnsubscribeView(refused)).toEqual({ status: 'invalid' })
      expect(await following.unsubscribe(refused, 'all')).toEqual({ status: 'invalid' })
    }
    expect(await followOf(supporter.id, first.id)).toMatchObject({ status: 'active' })
    expect(await followOf(supporter.id, second.id)).toMatchObject({ status: 'active' })
    expect((await supporterById(supporter.id)).unsubscribedAllAt).toBeNull()
  })
})

describe("a supporter's own data", () => {
  test('asking for my data emails a link to a known address only, and answers the same either way', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    await sign(action, signInput({ email }))
    const supporter = await supporterByEmail(email)
    const unknown = freshEmail()

    const forKnown = await myData.requestMyDataLink({
      email: ` ${email.toUpperCase()} `,
      ipHash: freshIpHash(),
    })
    const forUnknown = await myData.requestMyDataLink({ email: unknown, ipHash: freshIpHash() })

    expect(forKnown).toBeUndefined()
    expect(forUnknown).toBe(forKnown)
    expect(await emailsTo(unknown)).toHaveLength(0)
    expect(await supporterByEmail(unknown)).toBeUndefined()
    // Sent to the address on record, not to what was typed.
    const links = (await emailsTo(email)).filter((row) => row.template === 'my-data-link')
    expect(links).toHaveLength(1)
    expect(links[0]).toMatchObject({
      supporterId: supporter!.id,
      transactional: true,
      payload: { dataUrl: expect.stringMatching(/^https:\/\/vigil\.test\/my-data\//) },
    })
    expect(await myData.supporterIdFromDataToken(tokenFromEmail(links[0], 'dataUrl'))).toEqual({
      ok: true,
      supporterId: supporter!.id,
    })
  })

  test('my data shows the profile, the signatures and the follows', async () => {
    const action = await createAction(t.db)
    const input = signInput({
      firstName: 'Ximena',
      lastName: 'Quispe',
      message: 'Please release him.',
      follow: true,
      news: true,
    })
    await sign(action, input)
    await signing.confirmSignature(await latestConfirmationToken(action))
    const supporter = await supporterByEmail(input.email)

    expect(await myData.getMyData(supporter!.id)).toEqual({
      profile: {
        email: input.email,
        firstName: 'Ximena',
        lastName: 'Quispe',
        country: 'ES',
        locale: 'en',
        newsConsentAt: expect.any(Date),
        unsubscribedAllAt: null,
        createdAt: expect.any(Date),
      },
      signatures: [
        {
          action: action.title,
          reference: action.reference,
          status: 'confirmed',
          country: 'ES',
          personalMessage: 'Please release him.',
          signedAt: expect.any(Date),
          confirmedAt: expect.any(Date),
        },
      ],
      follows: [
        {
          action: action.title,
          reference: action.reference,
          status: 'active',
          since: expect.any(Date),
        },
      ],
    })
  })

  test('erasing a supporter removes everything that identifies them and keeps their signature counted', async () => {
    const signed = await createAction(t.db)
    const pendingOn = await createAction(t.db)
    const local = `${letters(6)}.${letters(6)}`
    const email = `${local}+vigil@gmail.com`
    const firstName = `Zeph${letters(8)}`
    const lastName = `Quor${letters(8)}`
    const message = `Free him ${letters(12)}`
    const ipHash = freshIpHash()
    const input = signInput({ email, firstName, lastName, message, follow: true, news: true })
    await sign(signed, input, ipHash)
    await signing.confirmSignature(await latestConfirmationToken(signed))
    await sign(pendingOn, { ...input, follow: false }, freshIpHash())
    const supporter = await supporterByEmail(`${local.replace('.', '')}@gmail.com`)
    // The first confirmation has gone out; the second still waits for the worker.
    await t.db
      .update(emailOutbox)
      .set({ status: 'sent', sentAt: new Date() })
      .where(eq(emailOutbox.actionId, signed.id))
    const personal = [email, supporter!.emailCanonical!, firstName, lastName, message, ipHash]
    // The check below must be able to find them, or it proves nothing.
    expect(await rowsMentioning(personal)).not.toEqual([])

    await myData.eraseSupporter(supporter!.id)

    const [erased] = await t.db.select().from(supporters).where(eq(supporters.id, supporter!.id))
    expect(erased).toMatchObject({
      email: null,
      emailCanonical: null,
      firstName: null,
      lastName: null,
      newsConsentAt: null,
      erasedAt: expect.any(Date),
    })
    const kept = await t.db
      .select()
      .from(signatures)
      .where(eq(signatures.supporterId, supporter!.id))
    expect(kept).toHaveLength(2)
    for (const signature of kept) {
      expect(signature).toMatchObject({ personalMessage: null, ipHash: null, country: 'ES' })
    }
    expect(kept.find((signature) => signature.actionId === signed.id)!.status).toBe('confirmed')
    expect(await confirmedCount(signed)).toBe(1)
    // The letters the confirmation wrote and that had not gone yet never will: no name is left.
    const unsent = await t.db
      .select({ status: letterRows.status })
      .from(letterRows)
      .where(eq(letterRows.signatureId, kept.find((s) => s.actionId === signed.id)!.id))
    expect(unsent.length).toBeGreaterThan(0)
    expect(unsent.map((letter) => letter.status)).toEqual(unsent.map(() => 'suppressed'))
    expect(await t.db.select().from(follows).where(eq(follows.supporterId, supporter!.id))).toEqual(
      [],
    )

    const outbox = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.supporterId, supporter!.id))
    expect(
      outbox.map(({ actionId, status, toAddress, payload }) => ({
        actionId,
        status,
        toAddress,
        payload,
      })),
    ).toEqual(
      expect.arrayContaining([
        { actionId: signed.id, status: 'sent', toAddress: 'erased', payload: {} },
        { actionId: pendingOn.id, status: 'cancelled', toAddress: 'erased', payload: {} },
      ]),
    )
    // The confirmation and the thank-you for the signed action, the confirmation for the other.
    expect(outbox).toHaveLength(3)

    expect(await rowsMentioning(personal)).toEqual([])
    expect(await myData.getMyData(supporter!.id)).toBeNull()
  })

  test('an erased address is sent no data link', async () => {
    const action = await createAction(t.db)
    const email = freshEmail()
    await sign(action, signInput({ email }))
    const supporter = await supporterByEmail(email)
    await myData.eraseSupporter(supporter!.id)

    expect(await myData.requestMyDataLink({ email, ipHash: freshIpHash() })).toBeUndefined()
    expect(await emailsTo(email)).toHaveLength(0)
  })
})

/** Which of the given strings still appear anywhere in the tables that hold supporters' data. */
async function rowsMentioning(needles: string[]) {
  const found: string[] = []
  for (const table of ['supporters', 'signatures', 'email_outbox', 'follows']) {
    const rows = await t.db.execute<{ row: string }>(
      sql.raw(`select row_to_json(t)::text as row from ${table} t`),
    )
    for (const { row } of rows) {
      for (const needle of needles) {
        if (row.toLowerCase().includes(needle.toLowerCase())) found.push(`${table}: ${needle}`)
      }
    }
  }
  return found
}
