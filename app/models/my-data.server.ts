// A supporter's own data: requested by email, shown, downloaded as JSON, and erased. Erasure
// removes everything that identifies them and keeps their past signatures counted, anonymously.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { actions, emailOutbox, follows, letters, signatures, supporters } from '#db/schema.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'
import { getDb } from '#app/utils/db.server.ts'
import { hashForRateLimit } from '#app/utils/crypto.server.ts'
import { canonicalEmail } from '#app/utils/email-address.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { hitRateLimit } from '#app/utils/rate-limit.server.ts'
import { createLinkToken, verifyLinkToken } from '#app/utils/tokens.server.ts'

/**
 * Emails a link to the data held about an address, if we hold any. Answers the same either
 * way, so the form cannot be used to learn who has signed.
 */
export async function requestMyDataLink({ email, ipHash }: { email: string; ipHash: string }) {
  const db = getDb()
  await hitRateLimit(db, { bucket: 'my-data-ip', limit: 10, windowSeconds: 3600 }, ipHash)
  const emailCanonical = canonicalEmail(email)
  await hitRateLimit(
    db,
    { bucket: 'my-data-email', limit: 3, windowSeconds: 3600 },
    hashForRateLimit(emailCanonical),
  )
  const [supporter] = await db
    .select({ id: supporters.id, email: supporters.email })
    .from(supporters)
    .where(and(eq(supporters.emailCanonical, emailCanonical), isNull(supporters.erasedAt)))
  if (!supporter?.email) return
  const token = await createLinkToken('my-data', { sup: supporter.id })
  await db.transaction((tx) =>
    writeOutboxMessage(tx, {
      idempotencyKey: `my-data:${supporter.id}:${Math.floor(Date.now() / 60_000)}`,
      template: 'my-data-link',
      to: supporter.email!,
      supporterId: supporter.id,
      params: { dataUrl: `${getEnv().APP_URL}/my-data/${token}` },
    }),
  )
}

export async function supporterIdFromDataToken(token: string) {
  const verified = await verifyLinkToken('my-data', token)
  return verified.ok ? { ok: true as const, supporterId: verified.payload.sup } : verified
}

/** Everything held about a supporter, as they may read and download it. */
export async function getMyData(supporterId: string) {
  const db = getDb()
  const [supporter] = await db
    .select({
      email: supporters.email,
      firstName: supporters.firstName,
      lastName: supporters.lastName,
      country: supporters.country,
      locale: supporters.locale,
      newsConsentAt: supporters.newsConsentAt,
      unsubscribedAllAt: supporters.unsubscribedAllAt,
      createdAt: supporters.createdAt,
      erasedAt: supporters.erasedAt,
    })
    .from(supporters)
    .where(eq(supporters.id, supporterId))
  if (!supporter || supporter.erasedAt) return null
  const signed = await db
    .select({
      action: actions.title,
      reference: actions.reference,
      status: signatures.status,
      country: signatures.country,
      personalMessage: signatures.personalMessage,
      signedAt: signatures.createdAt,
      confirmedAt: signatures.confirmedAt,
    })
    .from(signatures)
    .innerJoin(actions, eq(actions.id, signatures.actionId))
    .where(eq(signatures.supporterId, supporterId))
    .orderBy(signatures.createdAt)
  const followed = await db
    .select({
      action: actions.title,
      reference: actions.reference,
      status: follows.status,
      since: follows.createdAt,
    })
    .from(follows)
    .innerJoin(actions, eq(actions.id, follows.actionId))
    .where(eq(follows.supporterId, supporterId))
    .orderBy(follows.createdAt)
  const { erasedAt: _erasedAt, ...profile } = supporter
  return { profile, signatures: signed, follows: followed }
}

/**
 * Erases a supporter: names, address, messages, follows and every address in the outbox are
 * removed; confirmed signatures stay (with only the country), so counts do not change; nothing
 * is ever sent to them again (no address is left to send to).
 */
export async function eraseSupporter(supporterId: string) {
  await getDb().transaction(async (tx) => {
    await tx
      .update(supporters)
      .set({
        email: null,
        emailCanonical: null,
        firstName: null,
        lastName: null,
        newsConsentAt: null,
        erasedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(supporters.id, supporterId), isNull(supporters.erasedAt)))
    await tx
      .update(signatures)
      .set({
        firstName: null,
        lastName: null,
        personalMessage: null,
        ipHash: null,
        wantsNews: false,
        wantsFollow: false,
      })
      .where(eq(signatures.supporterId, supporterId))
    // Their letters not sent yet never will be, not even by a retry: no name is left to sign them.
    await tx.execute(sql`
      update ${letters} set status = 'suppressed'
      where status in ('queued', 'failed')
        and signature_id in (select id from ${signatures} where supporter_id = ${supporterId})`)
    // A pending signature cannot be confirmed by someone who no longer exists here.
    await tx
      .update(signatures)
      .set({
        status: 'invalidated',
        invalidatedAt: sql`now()`,
        invalidationReason: 'supporter erased',
      })
      .where(and(eq(signatures.supporterId, supporterId), eq(signatures.status, 'pending')))
    await tx.delete(follows).where(eq(follows.supporterId, supporterId))
    await tx
      .update(emailOutbox)
      .set({ status: 'cancelled', lastError: 'supporter erased' })
      .where(
        and(
          eq(emailOutbox.supporterId, supporterId),
          inArray(emailOutbox.status, ['pending', 'sending']),
        ),
      )
    await tx
      .update(emailOutbox)
      .set({ toAddress: 'erased', payload: {} })
      .where(eq(emailOutbox.supporterId, supporterId))
  })
}
