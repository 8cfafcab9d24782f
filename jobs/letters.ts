// Letters to the authorities. A confirmed signature gets one letter row per authority of its
// action, in the confirming transaction. The worker then delivers them by the action's mode:
// individual emails within a per-address throttle, one digest per authority per period, or
// nothing at all (hand delivery: kept for printing).
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Database, DbOrTx } from '#db/client.ts'
import { letterDigests, letters } from '#db/schema.ts'
import { PRESSURE_TEMPLATES, writeOutboxMessage, writeOutboxMessages } from './outbox.ts'

/** An action's authorities and delivery mode, as the confirming request read them. */
export type LetterTargets = {
  deliveryMode: 'individual' | 'digest' | 'hand'
  authorities: { id: string; email: string | null }[]
}

/** One letter per authority for a newly confirmed signature (idempotent). */
export async function createLettersForSignature(
  tx: DbOrTx,
  signatureId: string,
  targets: LetterTargets,
) {
  if (targets.authorities.length === 0) return 0
  const rows = targets.authorities.map((authority) => ({
    signatureId,
    authorityId: authority.id,
    // Officials without an email address, and hand-delivery actions, get printed letters.
    status: (targets.deliveryMode === 'hand' || !authority.email ? 'hand' : 'queued') as
      'hand' | 'queued',
  }))
  const inserted = await tx
    .insert(letters)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: letters.id })
  if (rows.some((row) => row.status === 'queued'))
    await tx.execute(sql`select pg_notify('vigil_outbox', '')`)
  return inserted.length
}

/**
 * Individual mode: gives queued letters an outbox email each, as far as each authority
 * address's throttle allows. A sliding window over what was sent or is still in flight, so no
 * address ever gets more than its limit within any window, whatever retries and restarts do.
 * One scheduler at a time across workers (an advisory lock), so two cannot both spend a budget.
 */
export async function scheduleIndividualLetters(
  db: Database,
  { windowSeconds, maxPerPass = 2000 }: { windowSeconds: number; maxPerPass?: number },
) {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(hashtext('vigil-letter-scheduler')) as locked`,
    )
    if (!lock?.locked) return 0
    const due = await tx.execute<{
      letter_id: string
      action_id: string
      to_address: string
    }>(sql`
      with queued as (
        select l.id, l.created_at, lower(au.email) as address, au.email, ac.id as action_id,
               ac.throttle_per_hour as lim
        from letters l
        join authorities au on au.id = l.authority_id
        join actions ac on ac.id = au.action_id
        where l.status = 'queued' and l.outbox_id is null and l.digest_id is null
          and ac.delivery_mode = 'individual' and ac.paused_at is null and au.email is not null
      ),
      budgets as (
        select address, min(lim) as lim from queued group by address
      ),
      used as (
        select lower(au.email) as address, count(*) as n
        from letters l
        join authorities au on au.id = l.authority_id
        join email_outbox o on o.id = l.outbox_id
        where lower(au.email) in (select address from budgets)
          and (o.status in ('pending', 'sending')
               or (o.status = 'sent' and o.sent_at > now() - make_interval(secs => ${windowSeconds})))
        group by 1
      ),
      ranked as (
        select q.*, row_number() over (partition by q.address order by q.created_at, q.id) as rn
        from queued q
      )
      select r.id as letter_id, r.action_id, r.email as to_address
      from ranked r
      join budgets b on b.address = r.address
      left join used u on u.address = r.address
      where r.rn <= b.lim - coalesce(u.n, 0)
      order by r.created_at
      limit ${maxPerPass}
    `)
    if (due.length === 0) return 0
    const ids = await writeOutboxMessages(
      tx,
      due.map((row) => ({
        idempotencyKey: `letter:${row.letter_id}`,
        template: 'authority-letter',
        to: row.to_address,
        actionId: row.action_id,
        params: { letterId: row.letter_id },
      })),
    )
    await tx.execute(sql`
      update letters l set outbox_id = o.id, scheduled_at = now()
      from email_outbox o
      where o.idempotency_key = 'letter:' || l.id::text
        and l.id = any(${sql.param(due.map((row) => row.letter_id))}::uuid[])`)
    return ids.size
  })
}

export function digestPeriodSeconds(period: 'hourly' | 'daily', override?: number) {
  return override ?? (period === 'hourly' ? 3600 : 86_400)
}

/**
 * Digest mode: once the oldest waiting letter for an authority is a period old, every waiting
 * letter for it goes out together in one email with a CSV. So each authority gets at most one
 * email per period, and no letter waits much longer than a period.
 */
export async function createDueDigests(
  db: Database,
  { periodOverrideSeconds }: { periodOverrideSeconds?: number } = {},
) {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(hashtext('vigil-digests')) as locked`,
    )
    if (!lock?.locked) return 0
    const due = await tx.execute<{
      authority_id: string
      action_id: string
      email: string
      period_start: Date
      letter_count: number
    }>(sql`
      select au.id as authority_id, ac.id as action_id, au.email,
             min(l.created_at) as period_start, count(*)::int as letter_count
      from letters l
      join authorities au on au.id = l.authority_id
      join actions ac on ac.id = au.action_id
      where l.status = 'queued' and l.digest_id is null and l.outbox_id is null
        and ac.delivery_mode = 'digest' and ac.paused_at is null and au.email is not null
      group by au.id, ac.id, au.email, ac.digest_period
      having min(l.created_at) <= now() - make_interval(secs => ${
        periodOverrideSeconds ?? sql`case when ac.digest_period = 'hourly' then 3600 else 86400 end`
      })
    `)
    for (const row of due) {
      const [digest] = await tx
        .insert(letterDigests)
        .values({
          actionId: row.action_id,
          authorityId: row.authority_id,
          periodStart: new Date(row.period_start),
          periodEnd: sql`now()` as unknown as Date,
          letterCount: row.letter_count,
        })
        .returning({ id: letterDigests.id })
      await tx
        .update(letters)
        .set({ digestId: digest!.id, scheduledAt: sql`now()` })
        .where(
          and(
            eq(letters.authorityId, row.authority_id),
            eq(letters.status, 'queued'),
            isNull(letters.digestId),
            isNull(letters.outboxId),
          ),
        )
      const outboxId = await writeOutboxMessage(tx, {
        idempotencyKey: `digest:${digest!.id}`,
        template: 'letter-digest',
        to: row.email,
        actionId: row.action_id,
        params: { digestId: digest!.id },
      })
      await tx.update(letterDigests).set({ outboxId }).where(eq(letterDigests.id, digest!.id))
    }
    return due.length
  })
}

/**
 * Waits for any letter scheduling pass under way, and keeps new ones from starting, until the
 * transaction ends: a change to where letters go (a delivery mode, an official's address) must
 * not meet a pass that read the old one. A pass that starts meanwhile skips its turn (it tries
 * the same locks). Take it before locking the action's row: a pass holding these locks writes
 * rows that reference that row, and would wait for it.
 */
export async function holdLetterSchedulers(tx: DbOrTx) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('vigil-letter-scheduler')),
    pg_advisory_xact_lock(hashtext('vigil-digests'))`)
}

/**
 * After an action's delivery mode or an official's email address changed: its letters waiting to
 * be emailed (queued, in no email yet) that can no longer go by email are kept for printing
 * instead, as if written now; otherwise no scheduler would ever take them. Printed letters stay
 * printed when email becomes possible: they may have been handed over already. Call it with the
 * schedulers held (holdLetterSchedulers), from before the change.
 */
export async function keepUnsendableLettersForPrinting(tx: DbOrTx, actionId: string) {
  await tx.execute(sql`
    update ${letters} l set status = 'hand'
    from authorities au join actions ac on ac.id = au.action_id
    where l.authority_id = au.id and au.action_id = ${actionId}
      and l.status = 'queued' and l.outbox_id is null and l.digest_id is null
      and (ac.delivery_mode = 'hand' or au.email is null)`)
}

/** Whether an email carries letters, whose status must follow its own. */
export function carriesLetters(template: string) {
  return PRESSURE_TEMPLATES.some((letterTemplate) => letterTemplate === template)
}

/** Keeps each letter's status in step with the email that carried it. */
export async function recordLetterDelivery(
  db: DbOrTx,
  outbox: { id: string; template: string },
  status: 'sent' | 'failed' | 'suppressed',
) {
  const sentAt = status === 'sent' ? sql`now()` : null
  // Only letters still waiting: one withdrawn meanwhile (its signer erased) was left out of the
  // email, and stays as it is.
  const waiting = eq(letters.status, 'queued')
  if (outbox.template === 'authority-letter') {
    await db
      .update(letters)
      .set({ status, sentAt })
      .where(and(eq(letters.outboxId, outbox.id), waiting))
  } else if (outbox.template === 'letter-digest') {
    const digests = db
      .select({ id: letterDigests.id })
      .from(letterDigests)
      .where(eq(letterDigests.outboxId, outbox.id))
    await db
      .update(letters)
      .set({ status, sentAt })
      .where(and(inArray(letters.digestId, digests), waiting))
  }
}
