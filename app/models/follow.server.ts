// Following a case (volunteers), and unsubscribing from one case or from everything. Both links
// open a page; only its POST changes anything, because mail scanners open every link.
import { and, eq, inArray, sql } from 'drizzle-orm'
import { actions, follows, supporters } from '#db/schema.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { hitRateLimit, RateLimitedError } from '#app/utils/rate-limit.server.ts'
import { createLinkToken, verifyLinkToken, type TokenProblem } from '#app/utils/tokens.server.ts'
import { upsertSupporter } from './signature.server.ts'

const FOLLOW_CONFIRMATIONS = { bucket: 'follow-confirm', limit: 3, windowSeconds: 24 * 3600 }

/**
 * Records a pending follow and emails its confirmation. Answers the same whether or not the
 * address already follows; an active follower gets no email.
 */
export async function followAction({
  slug,
  email,
  ipHash,
  locale,
}: {
  slug: string
  email: string
  ipHash: string
  locale: string
}) {
  const env = getEnv()
  const db = getDb()
  const [action] = await db
    .select({
      id: actions.id,
      title: actions.title,
      atRiskName: actions.atRiskName,
      status: actions.status,
    })
    .from(actions)
    .where(eq(actions.slug, slug))
  if (!action || action.status === 'draft') return { status: 'not-open' as const }
  await hitRateLimit(
    db,
    { bucket: 'sign-ip', limit: env.RATE_LIMIT_SIGN_PER_IP, windowSeconds: 600 },
    ipHash,
  )

  await db.transaction(async (tx) => {
    const supporter = await upsertSupporter(tx, { email, locale })
    const [follow] = await tx
      .insert(follows)
      .values({ supporterId: supporter.id, actionId: action.id })
      .onConflictDoUpdate({
        target: [follows.supporterId, follows.actionId],
        // Following again after unsubscribing starts a new confirmation.
        set: {
          status: sql`case when ${follows.status} = 'unsubscribed' then 'pending'::follow_status else ${follows.status} end`,
        },
      })
      .returning({ status: follows.status })
    if (follow?.status !== 'pending') return
    try {
      await hitRateLimit(tx, FOLLOW_CONFIRMATIONS, `${supporter.id}:${action.id}`)
    } catch (error) {
      if (error instanceof RateLimitedError) return
      throw error
    }
    const token = await createLinkToken('confirm-follow', { sup: supporter.id, act: action.id })
    await writeOutboxMessage(tx, {
      idempotencyKey: `confirm-follow:${supporter.id}:${action.id}:${Math.floor(Date.now() / 60_000)}`,
      template: 'follow-confirmation',
      to: email,
      supporterId: supporter.id,
      actionId: action.id,
      params: {
        actionTitle: action.title,
        atRiskName: action.atRiskName,
        confirmUrl: `${env.APP_URL}/follow/${token}`,
      },
    })
  })
  return { status: 'accepted' as const }
}

type FollowView =
  | {
      status: 'ready' | 'already-following'
      action: { slug: string; title: string; atRiskName: string }
    }
  | { status: 'expired' }
  | { status: 'invalid' }

async function findFollow(token: string) {
  const verified = await verifyLinkToken('confirm-follow', token)
  if (!verified.ok) return { problem: verified.problem }
  const [row] = await getDb()
    .select({
      status: follows.status,
      slug: actions.slug,
      title: actions.title,
      atRiskName: actions.atRiskName,
    })
    .from(follows)
    .innerJoin(actions, eq(actions.id, follows.actionId))
    .where(
      and(
        eq(follows.supporterId, verified.payload.sup),
        eq(follows.actionId, verified.payload.act),
      ),
    )
  if (!row) return { problem: 'invalid' as const }
  return { row, payload: verified.payload }
}

export async function getFollowView(token: string): Promise<FollowView> {
  const found = await findFollow(token)
  if (!found.row) return { status: found.problem }
  const { status, ...action } = found.row
  return { status: status === 'active' ? 'already-following' : 'ready', action }
}

/** Activates a follow from its emailed link (idempotent). */
export async function confirmFollow(token: string): Promise<FollowView> {
  const found = await findFollow(token)
  if (!found.row) return { status: found.problem }
  const { status: _status, ...action } = found.row
  await getDb().transaction(async (tx) => {
    await tx
      .update(follows)
      .set({
        status: 'active',
        confirmedAt: sql`coalesce(${follows.confirmedAt}, now())`,
        unsubscribedAt: null,
      })
      .where(
        and(eq(follows.supporterId, found.payload.sup), eq(follows.actionId, found.payload.act)),
      )
    // Asked for from the address itself: it outweighs an earlier "unsubscribe from everything",
    // which left every other follow unsubscribed.
    await tx
      .update(supporters)
      .set({ unsubscribedAllAt: null })
      .where(eq(supporters.id, found.payload.sup))
  })
  return { status: 'ready', action }
}

export type UnsubscribeView =
  | { status: 'ready'; action: { title: string; atRiskName: string } | null }
  | { status: TokenProblem }

export async function getUnsubscribeView(token: string): Promise<UnsubscribeView> {
  const verified = await verifyLinkToken('unsubscribe', token)
  if (!verified.ok) return { status: verified.problem }
  if (!verified.payload.act) return { status: 'ready', action: null }
  const [action] = await getDb()
    .select({ title: actions.title, atRiskName: actions.atRiskName })
    .from(actions)
    .where(eq(actions.id, verified.payload.act))
  return { status: 'ready', action: action ?? null }
}

/**
 * Unsubscribes without login or cookies, from the signed link in an email: from that case's
 * updates, or from everything Vigil sends that the supporter did not just ask for.
 */
export async function unsubscribe(token: string, scope: 'case' | 'all') {
  const verified = await verifyLinkToken('unsubscribe', token)
  if (!verified.ok) return { status: verified.problem }
  const { sup, act } = verified.payload
  const db = getDb()
  if (scope === 'case' && act) {
    await db
      .update(follows)
      .set({ status: 'unsubscribed', unsubscribedAt: sql`now()` })
      .where(
        and(
          eq(follows.supporterId, sup),
          eq(follows.actionId, act),
          inArray(follows.status, ['pending', 'active']),
        ),
      )
    return { status: 'unsubscribed' as const, scope }
  }
  await db.transaction(async (tx) => {
    await tx
      .update(supporters)
      .set({
        unsubscribedAllAt: sql`coalesce(${supporters.unsubscribedAllAt}, now())`,
        newsConsentAt: null,
      })
      .where(eq(supporters.id, sup))
    await tx
      .update(follows)
      .set({ status: 'unsubscribed', unsubscribedAt: sql`now()` })
      .where(and(eq(follows.supporterId, sup), inArray(follows.status, ['pending', 'active'])))
  })
  return { status: 'unsubscribed' as const, scope: 'all' as const }
}
