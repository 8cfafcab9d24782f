// Signing and confirming. A signature is pending until its owner presses Confirm on the page the
// emailed link opens; only confirmed signatures count, each exactly once. The page a signer sees
// never depends on the address's history, so nobody can learn whether someone else has signed:
// only the email differs.
import { and, asc, eq, sql } from 'drizzle-orm'
import { addConfirmedSignatures, readConfirmedCounts } from '#db/counters.ts'
import {
  actions,
  authorities,
  follows,
  letterTemplates,
  signatures,
  supporters,
} from '#db/schema.ts'
import type { DbOrTx } from '#db/client.ts'
import { letterFor } from '#jobs/email-loaders.ts'
import { createLettersForSignature } from '#jobs/letters.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'
import type { SignInput } from '#app/schemas/supporter-forms.ts'
import { getDb } from '#app/utils/db.server.ts'
import { hashForRateLimit } from '#app/utils/crypto.server.ts'
import { canonicalEmail } from '#app/utils/email-address.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { hitRateLimit, hitRateLimits, RateLimitedError } from '#app/utils/rate-limit.server.ts'
import { createLinkToken, verifyLinkToken } from '#app/utils/tokens.server.ts'

/** Confirmation emails for one pending signature: a few a day, however often the form is sent. */
const CONFIRMATION_RESENDS = { bucket: 'confirm-resend', limit: 3, windowSeconds: 24 * 3600 }

export type SignOutcome = { status: 'accepted' } | { status: 'not-open' }

/** Finds the supporter for an address, creating them on first contact. */
export async function upsertSupporter(
  tx: DbOrTx,
  fields: {
    email: string
    firstName?: string
    lastName?: string
    country?: string
    locale: string
  },
) {
  const emailCanonical = canonicalEmail(fields.email)
  // An existing supporter's details are never overwritten from a public form: anyone can type
  // anyone's address.
  const [row] = await tx
    .insert(supporters)
    .values({ ...fields, email: fields.email.trim(), emailCanonical })
    .onConflictDoUpdate({
      target: supporters.emailCanonical,
      set: { updatedAt: sql`${supporters.updatedAt}` },
    })
    .returning({ id: supporters.id, firstName: supporters.firstName })
  return row!
}

async function openActionBySlug(tx: DbOrTx, slug: string) {
  const [action] = await tx
    .select({
      id: actions.id,
      slug: actions.slug,
      title: actions.title,
      atRiskName: actions.atRiskName,
      status: actions.status,
      pausedAt: actions.pausedAt,
    })
    .from(actions)
    .where(eq(actions.slug, slug))
  return action
}

export function confirmationUrl(token: string) {
  return `${getEnv().APP_URL}/confirm/${token}`
}

/**
 * Records a signature as pending and writes its confirmation email, in one transaction.
 * Signing again with the same address (however it is typed) stores nothing new: a pending
 * signature gets its confirmation again (a few times a day at most), a confirmed one an email
 * saying so. Throws RateLimitedError past the per-IP or per-address limits.
 */
export async function signAction({
  slug,
  input,
  ipHash,
  locale,
}: {
  slug: string
  input: SignInput
  ipHash: string
  locale: string
}): Promise<SignOutcome> {
  const env = getEnv()
  const db = getDb()
  const action = await openActionBySlug(db, slug)
  if (!action || action.status !== 'active' || action.pausedAt) return { status: 'not-open' }
  // Counted outside the signing transaction, so they never hold a lock while it runs.
  await hitRateLimits(db, [
    {
      rule: { bucket: 'sign-ip', limit: env.RATE_LIMIT_SIGN_PER_IP, windowSeconds: 600 },
      key: ipHash,
    },
    {
      rule: { bucket: 'sign-email', limit: env.RATE_LIMIT_SIGN_PER_EMAIL, windowSeconds: 3600 },
      key: hashForRateLimit(canonicalEmail(input.email)),
    },
  ])

  return db.transaction(async (tx) => {
    const supporter = await upsertSupporter(tx, {
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      country: input.country,
      locale,
    })
    const [created] = await tx
      .insert(signatures)
      .values({
        actionId: action.id,
        supporterId: supporter.id,
        country: input.country,
        personalMessage: input.message ?? null,
        consentAt: new Date(),
        wantsNews: input.news,
        ipHash,
      })
      .onConflictDoNothing({ target: [signatures.actionId, signatures.supporterId] })
      .returning({ id: signatures.id })
    if (input.follow) {
      await tx
        .insert(follows)
        .values({ supporterId: supporter.id, actionId: action.id })
        .onConflictDoNothing()
    }

    const firstName = supporter.firstName ?? input.firstName
    if (created) {
      await writeConfirmation(tx, {
        signatureId: created.id,
        supporterId: supporter.id,
        action,
        firstName,
        to: input.email,
      })
      return { status: 'accepted' }
    }

    const [existing] = await tx
      .select({ id: signatures.id, status: signatures.status })
      .from(signatures)
      .where(and(eq(signatures.actionId, action.id), eq(signatures.supporterId, supporter.id)))
    if (existing?.status === 'pending') {
      try {
        await hitRateLimit(tx, CONFIRMATION_RESENDS, existing.id)
        await writeConfirmation(tx, {
          signatureId: existing.id,
          supporterId: supporter.id,
          action,
          firstName,
          to: input.email,
        })
      } catch (error) {
        // Past the resend limit the page still says the same; only the email is held back.
        if (!(error instanceof RateLimitedError)) throw error
      }
    } else if (existing?.status === 'confirmed') {
      await writeOutboxMessage(tx, {
        // At most one such email per signature per day.
        idempotencyKey: `already-signed:${existing.id}:${new Date().toISOString().slice(0, 10)}`,
        template: 'signature-already-confirmed',
        to: input.email,
        supporterId: supporter.id,
        actionId: action.id,
        params: {
          firstName,
          actionTitle: action.title,
          atRiskName: action.atRiskName,
          actionUrl: `${env.APP_URL}/actions/${action.slug}`,
        },
      })
    }
    return { status: 'accepted' }
  })
}

async function writeConfirmation(
  tx: DbOrTx,
  {
    signatureId,
    supporterId,
    action,
    firstName,
    to,
  }: {
    signatureId: string
    supporterId: string
    action: { id: string; title: string; atRiskName: string }
    firstName: string
    to: string
  },
) {
  const token = await createLinkToken('confirm-signature', { sid: signatureId })
  await writeOutboxMessage(tx, {
    // A double-clicked submit lands in the same minute: one email.
    idempotencyKey: `confirm-signature:${signatureId}:${Math.floor(Date.now() / 60_000)}`,
    template: 'signature-confirmation',
    to,
    supporterId,
    actionId: action.id,
    params: {
      firstName,
      actionTitle: action.title,
      atRiskName: action.atRiskName,
      confirmUrl: confirmationUrl(token),
    },
  })
}

export type ConfirmationView =
  | { status: 'ready'; action: { slug: string; title: string; atRiskName: string } }
  | { status: 'already-confirmed'; action: { slug: string; title: string; atRiskName: string } }
  | { status: 'not-open'; action: { slug: string; title: string; atRiskName: string } }
  | { status: 'expired' }
  | { status: 'invalid' }
  | { status: 'withdrawn' }

async function findSignatureForToken(token: string) {
  const verified = await verifyLinkToken('confirm-signature', token)
  if (!verified.ok) return { problem: verified.problem }
  const [row] = await getDb()
    .select({
      id: signatures.id,
      status: signatures.status,
      supporterId: signatures.supporterId,
      wantsNews: signatures.wantsNews,
      actionId: actions.id,
      slug: actions.slug,
      title: actions.title,
      atRiskName: actions.atRiskName,
      actionStatus: actions.status,
    })
    .from(signatures)
    .innerJoin(actions, eq(actions.id, signatures.actionId))
    .where(eq(signatures.id, verified.payload.sid))
  if (!row) return { problem: 'invalid' as const }
  return { row }
}

/** What the confirmation page shows before the supporter presses Confirm. Changes nothing. */
export async function getConfirmationView(token: string): Promise<ConfirmationView> {
  const found = await findSignatureForToken(token)
  if (!found.row) return { status: found.problem }
  const { row } = found
  const action = { slug: row.slug, title: row.title, atRiskName: row.atRiskName }
  if (row.status === 'invalidated') return { status: 'withdrawn' }
  if (row.status === 'confirmed') return { status: 'already-confirmed', action }
  if (row.actionStatus !== 'active') return { status: 'not-open', action }
  return { status: 'ready', action }
}

/**
 * Confirms a pending signature: counted exactly once, whatever the number of clicks; the
 * follow and news choices made when signing take effect now.
 */
export async function confirmSignature(token: string): Promise<ConfirmationView> {
  const found = await findSignatureForToken(token)
  if (!found.row) return { status: found.problem }
  const { row } = found
  const action = { slug: row.slug, title: row.title, atRiskName: row.atRiskName }
  if (row.status === 'invalidated') return { status: 'withdrawn' }
  if (row.actionStatus !== 'active' && row.status === 'pending')
    return { status: 'not-open', action }
  return getDb().transaction(async (tx) => {
    const [confirmed] = await tx
      .update(signatures)
      .set({ status: 'confirmed', confirmedAt: sql`now()` })
      .where(and(eq(signatures.id, row.id), eq(signatures.status, 'pending')))
      .returning({ id: signatures.id })
    if (!confirmed) return { status: 'already-confirmed' as const, action }
    await addConfirmedSignatures(tx, row.actionId)
    // The letters to the authorities leave with the confirmation, never before it.
    await createLettersForSignature(tx, row.id, row.actionId)
    await writeThankYou(tx, row)
    await tx
      .update(follows)
      .set({ status: 'active', confirmedAt: sql`now()` })
      .where(
        and(
          eq(follows.supporterId, row.supporterId),
          eq(follows.actionId, row.actionId),
          eq(follows.status, 'pending'),
        ),
      )
    if (row.wantsNews) {
      await tx
        .update(supporters)
        .set({ newsConsentAt: sql`coalesce(${supporters.newsConsentAt}, now())` })
        .where(eq(supporters.id, row.supporterId))
    }
    return { status: 'ready' as const, action }
  })
}

/** Thanks the supporter, with a copy of the letter sent in their name to the first official. */
async function writeThankYou(
  tx: DbOrTx,
  row: {
    id: string
    supporterId: string
    actionId: string
    slug: string
    title: string
    atRiskName: string
  },
) {
  const [person] = await tx
    .select({
      email: supporters.email,
      firstName: supporters.firstName,
      lastName: supporters.lastName,
      country: signatures.country,
      message: signatures.personalMessage,
      reference: actions.reference,
    })
    .from(signatures)
    .innerJoin(supporters, eq(supporters.id, signatures.supporterId))
    .innerJoin(actions, eq(actions.id, signatures.actionId))
    .where(eq(signatures.id, row.id))
  if (!person?.email || !person.firstName || !person.lastName) return
  const [authority] = await tx
    .select({
      name: authorities.name,
      title: authorities.title,
      salutation: authorities.salutation,
    })
    .from(authorities)
    .where(eq(authorities.actionId, row.actionId))
    .orderBy(asc(authorities.role), asc(authorities.position))
    .limit(1)
  const [template] = await tx
    .select({ subject: letterTemplates.subject, body: letterTemplates.body })
    .from(letterTemplates)
    .where(eq(letterTemplates.actionId, row.actionId))
    .orderBy(asc(letterTemplates.createdAt))
    .limit(1)
  const letter =
    authority && template
      ? letterFor(
          template,
          {
            firstName: person.firstName,
            lastName: person.lastName,
            country: person.country,
            message: person.message,
          },
          authority,
          { reference: person.reference, atRiskName: row.atRiskName },
        ).letter
      : ''
  await writeOutboxMessage(tx, {
    idempotencyKey: `thank-you:${row.id}`,
    template: 'signature-thank-you',
    to: person.email,
    supporterId: row.supporterId,
    actionId: row.actionId,
    params: {
      firstName: person.firstName,
      atRiskName: row.atRiskName,
      actionTitle: row.title,
      authorityName: authority ? `${authority.name}, ${authority.title}` : '',
      letter,
      actionUrl: `${getEnv().APP_URL}/actions/${row.slug}`,
    },
  })
}

/** The confirmed count for one action, as shown on its pages. */
export async function getConfirmedCount(actionId: string) {
  return (await readConfirmedCounts(getDb(), [actionId])).get(actionId) ?? 0
}
