// The transactional outbox. The web app writes a message row in the same transaction as the change
// that caused it; the dispatcher moves pending rows to BullMQ; the reconciler re-enqueues what
// Redis lost. PostgreSQL is the record of what must be sent; Redis only moves ids around.
import type { Queue } from 'bullmq'
import { and, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import { anyOf, preparedStatement } from '#db/prepared.ts'
import type { Database, DbOrTx } from '#db/client.ts'
import { emailOutbox, type OutboxMessage } from '#db/schema.ts'
import { getEmailTemplate } from '#emails/render.ts'
import { createCoalescer, type Gather } from './coalescer.ts'
import { emailLoaders } from './email-loaders.ts'
import { removeFinishedJobs, type EmailDeliveryJob } from './queues.ts'

export const OUTBOX_CHANNEL = 'vigil_outbox'

export type NewOutboxMessage = {
  idempotencyKey: string
  template: string
  to: string
  params: unknown
  actionId?: string | null
  supporterId?: string | null
  updateId?: string | null
  availableAt?: Date
}

/** What a message's template decides: its parameters checked (for id-only payloads, by its loader). */
function templateColumns(templateName: string, params: unknown) {
  const template = getEmailTemplate(templateName)
  const schema = emailLoaders[template.name]?.payload ?? template.params
  return {
    template: template.name,
    payload: schema.parse(params) as Record<string, unknown>,
    transactional: template.transactional,
  }
}

/** Checks a message against its template and builds the row. */
function outboxRow(message: NewOutboxMessage) {
  return {
    idempotencyKey: message.idempotencyKey,
    ...templateColumns(message.template, message.params),
    toAddress: message.to,
    actionId: message.actionId ?? null,
    supporterId: message.supporterId ?? null,
    updateId: message.updateId ?? null,
    availableAt: message.availableAt,
  }
}

/** At most one wake-up per process in this many milliseconds. */
const OUTBOX_WAKE_INTERVAL_MS = 50
let lastWakeAt = 0

/**
 * Wakes the dispatcher when the transaction commits (NOTIFY is delivered on commit only). Each
 * notifying commit waits its turn on PostgreSQL's notify lock, which under a signing surge queued
 * every signature behind the last; one wake-up per process per 50 ms is plenty, since a dispatch
 * pass moves everything pending. A row whose wake-up went to a transaction that rolled back, or
 * committed before it, is found by the dispatcher's next wake-up or poll (OUTBOX_POLL_MS).
 */
async function wakeDispatcher(tx: DbOrTx) {
  const now = Date.now()
  if (now - lastWakeAt < OUTBOX_WAKE_INTERVAL_MS) return
  lastWakeAt = now
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`)
}

/**
 * Writes a message to send, inside the caller's transaction. Its parameters are checked against
 * the template now, so a bad message fails the change that caused it rather than a worker later.
 * Writing the same idempotency key twice stores one message. Returns the row id, or null when
 * the key already existed.
 */
export async function writeOutboxMessage(tx: DbOrTx, message: NewOutboxMessage) {
  const [row] = await tx
    .insert(emailOutbox)
    .values(outboxRow(message))
    .onConflictDoNothing({ target: emailOutbox.idempotencyKey })
    .returning({ id: emailOutbox.id })
  if (row) await wakeDispatcher(tx)
  return row?.id ?? null
}

const insertOutboxMessages = preparedStatement<{ id: string; key: string }>(sql`
  insert into ${emailOutbox} (idempotency_key, template, to_address, payload, transactional,
    action_id, supporter_id, update_id, available_at)
  select idempotency_key, template, to_address, payload::jsonb, transactional::boolean,
    action_id::uuid, supporter_id::uuid, update_id::uuid, coalesce(available_at::timestamptz, now())
  from unnest(${sql.placeholder('keys')}::text[], ${sql.placeholder('templates')}::text[],
    ${sql.placeholder('to')}::text[], ${sql.placeholder('payloads')}::text[],
    ${sql.placeholder('transactional')}::text[], ${sql.placeholder('actionIds')}::text[],
    ${sql.placeholder('supporterIds')}::text[], ${sql.placeholder('updateIds')}::text[],
    ${sql.placeholder('availableAt')}::text[])
    as t(idempotency_key, template, to_address, payload, transactional, action_id, supporter_id,
      update_id, available_at)
  on conflict (idempotency_key) do nothing
  returning id, idempotency_key as key`)

/**
 * Many messages in one statement (signing surges, fan-outs, letter scheduling); returns the ids
 * by key.
 */
export async function writeOutboxMessages(tx: DbOrTx, messages: NewOutboxMessage[]) {
  const ids = new Map<string, string>()
  if (messages.length === 0) return ids
  const rows = messages.map(outboxRow)
  const written = await insertOutboxMessages(tx, {
    keys: rows.map((row) => row.idempotencyKey),
    templates: rows.map((row) => row.template),
    to: rows.map((row) => row.toAddress),
    payloads: rows.map((row) => JSON.stringify(row.payload)),
    transactional: rows.map((row) => String(row.transactional)),
    actionIds: rows.map((row) => row.actionId),
    supporterIds: rows.map((row) => row.supporterId),
    updateIds: rows.map((row) => row.updateId),
    availableAt: rows.map((row) => row.availableAt?.toISOString() ?? null),
  })
  for (const row of written) ids.set(row.key, row.id)
  if (written.length > 0) await wakeDispatcher(tx)
  return ids
}

/**
 * One message to each supporter `recipients` selects (a query of `supporter_id` and `email`; a
 * null email, an erased supporter, gets none), all of one template and parameters, keyed
 * `<keyPrefix><supporter id>`: a fan-out's batch, whose cursor is the last (greatest) id. PostgreSQL writes the rows
 * from the query itself; none passes through JavaScript, which cost the worker a row's reading,
 * checking and sending back for each follower. Returns how many supporters were selected, how
 * many messages were written (a key already written is skipped), and the last supporter selected.
 */
export async function writeOutboxMessagesTo(
  tx: DbOrTx,
  recipients: SQL,
  message: {
    keyPrefix: string
    template: string
    params: unknown
    actionId: string
    updateId: string
  },
) {
  const { template, payload, transactional } = templateColumns(message.template, message.params)
  const [result] = await tx.execute<{ selected: number; written: number; last: string | null }>(sql`
    with recipients as (${recipients}),
    written as (
      insert into ${emailOutbox} (idempotency_key, template, to_address, payload, transactional,
        action_id, supporter_id, update_id)
      select ${message.keyPrefix} || r.supporter_id, ${template}, r.email,
        ${JSON.stringify(payload)}::jsonb, ${transactional}, ${message.actionId}::uuid,
        r.supporter_id, ${message.updateId}::uuid
      from recipients r
      where r.email is not null
      on conflict (idempotency_key) do nothing
      returning 1)
    select (select count(*) from recipients)::int as selected,
      (select count(*) from written)::int as written,
      (select r.supporter_id from recipients r order by r.supporter_id desc limit 1) as last`)
  if (result!.written > 0) await wakeDispatcher(tx)
  return result!
}

/** Messages that put pressure on a case: held while its action is paused. */
export const PRESSURE_TEMPLATES = ['authority-letter', 'letter-digest'] as const
/** Held while paused: the letters, and everything not transactional (updates). */
const heldWhilePaused = or(
  eq(emailOutbox.transactional, false),
  inArray(emailOutbox.template, [...PRESSURE_TEMPLATES]),
)!

/**
 * Moves due pending rows to the queue, with the row id as the job id, so enqueueing twice is
 * harmless. Rows are locked while Redis is asked, and marked enqueued only if Redis said yes: when
 * Redis is down the transaction rolls back and the rows wait for the next pass.
 * Rows still pending that were enqueued before `requeueEnqueuedBefore` are enqueued again, in case
 * Redis lost their job (pass the start of the pass to re-enqueue all of them, as after a restart).
 */
export async function dispatchOutbox(
  db: Database,
  queue: Queue<EmailDeliveryJob>,
  { limit = 500, requeueEnqueuedBefore }: { limit?: number; requeueEnqueuedBefore: Date },
) {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: emailOutbox.id, enqueuedAt: emailOutbox.enqueuedAt })
      .from(emailOutbox)
      .where(
        and(
          eq(emailOutbox.status, 'pending'),
          // Bulk mail (not transactional) goes by bulk delivery, without a job each.
          eq(emailOutbox.transactional, true),
          sql`${emailOutbox.availableAt} <= now()`,
          // Pressure on a paused case (letters, updates) is held; confirmations still go.
          sql`not (${heldWhilePaused} and exists (select 1 from actions a where a.id = ${emailOutbox.actionId} and a.paused_at is not null))`,
          sql`(${emailOutbox.enqueuedAt} is null or ${emailOutbox.enqueuedAt} < ${requeueEnqueuedBefore.toISOString()}::timestamptz)`,
        ),
      )
      .orderBy(emailOutbox.availableAt)
      .limit(limit)
      .for('update', { skipLocked: true })
    if (rows.length === 0) return 0
    const ids = rows.map((row) => row.id)
    // A row enqueued before and pending still may have a finished job under its id (held while
    // its action was paused, by a worker that died before clearing it): BullMQ would ignore the
    // new job. Rare, so asking Redis about each such row is cheap.
    await removeFinishedJobs(
      queue,
      rows.filter((row) => row.enqueuedAt).map((row) => row.id),
    )
    await queue.addBulk(
      ids.map((outboxId) => ({ name: 'deliver', data: { outboxId }, opts: { jobId: outboxId } })),
    )
    await tx
      .update(emailOutbox)
      .set({ enqueuedAt: sql`now()` })
      .where(anyOf(emailOutbox.id, ids))
    return ids.length
  })
}

/**
 * A row stays "sending" only while a worker talks to SMTP. One that has been "sending" for longer
 * than the claim timeout belongs to a worker that died: put it back to pending for another try.
 * This is where at-least-once delivery may send a message twice.
 */
/** The database's clock minus an interval: cut-offs are computed where the timestamps are written. */
export async function databaseTimeAgo(db: Database, ms: number) {
  const [row] = await db.execute<{ at: Date }>(
    sql`select now() - make_interval(secs => ${ms / 1000}) as at`,
  )
  return new Date(row!.at)
}

export async function releaseStaleClaims(db: Database, claimTimeoutMs: number) {
  const released = await db
    .update(emailOutbox)
    .set({ status: 'pending', enqueuedAt: null, lastError: 'released after worker timeout' })
    .where(
      and(
        eq(emailOutbox.status, 'sending'),
        lt(emailOutbox.claimedAt, sql`now() - make_interval(secs => ${claimTimeoutMs / 1000})`),
      ),
    )
    .returning({ id: emailOutbox.id })
  return released.length
}

// Keeps the context's names apart from the row's columns in the one returned row.
const CONTEXT_PREFIX = 'context:'
const prefixed = (context: Record<string, SQL>) =>
  Object.fromEntries(Object.entries(context).map(([key, value]) => [CONTEXT_PREFIX + key, value]))

/** What claiming a row for sending writes, whichever way it is claimed. */
const CLAIMED = {
  status: 'sending' as const,
  claimedAt: sql`now()`,
  attempts: sql`${emailOutbox.attempts} + 1`,
}

/**
 * What sending a claimed message reads of its row, and all a claim returns of it: a fan-out
 * claims thousands of rows, and every further column (timestamps made into dates) cost the
 * worker time for each.
 */
const CLAIMED_COLUMNS = {
  id: emailOutbox.id,
  template: emailOutbox.template,
  toAddress: emailOutbox.toAddress,
  payload: emailOutbox.payload,
  transactional: emailOutbox.transactional,
  actionId: emailOutbox.actionId,
  supporterId: emailOutbox.supporterId,
  attempts: emailOutbox.attempts,
}
export type ClaimedMessage = Pick<OutboxMessage, keyof typeof CLAIMED_COLUMNS>

/** A claimed row as returned: the message's columns, and the context read with it. */
function splitClaimedRow(row: Record<string, unknown>) {
  const message: Record<string, unknown> = {}
  const context: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith(CONTEXT_PREFIX)) context[key.slice(CONTEXT_PREFIX.length)] = value
    else message[key] = value
  }
  return { message: message as ClaimedMessage, context: context as never }
}

type ContextOf<Context extends Record<string, SQL>> = {
  [K in keyof Context]: Context[K] extends SQL<infer T> ? T : never
}

export type ClaimResult<Context = Record<never, never>> =
  | { claimed: true; message: ClaimedMessage; context: Context }
  | {
      claimed: false
      status: (typeof emailOutbox.$inferSelect)['status'] | 'missing'
      claimedAt?: Date | null
    }

/**
 * Claims a row for sending with a conditional update, so two deliveries of the same job never
 * both talk to SMTP. A row stuck in "sending" past the claim timeout may be taken over.
 * `context` adds expressions over the claimed row (subqueries on what decides whether it goes),
 * read in the same statement: a fan-out claims thousands of rows, and each round trip costs.
 * Write them with explicit table names (`email_outbox.action_id`): in RETURNING, Drizzle names a
 * column without its table, which a subquery would resolve to its own table's column.
 *
 * The statement is built once (prepared): building the SQL for each message took the worker more
 * time than PostgreSQL took to run it. Claims made while one runs go together in the next
 * (`createCoalescer`): one statement for the worker's concurrent deliveries.
 */
export function createOutboxClaimer<Context extends Record<string, SQL> = Record<never, never>>(
  db: Database,
  { context = {} as Context, claimTimeoutMs }: { context?: Context; claimTimeoutMs: number },
) {
  type Claimed = ClaimResult<ContextOf<Context>>
  const claim = db
    .update(emailOutbox)
    .set(CLAIMED)
    .where(
      and(
        sql`${emailOutbox.id} = any(${sql.placeholder('ids')}::uuid[])`,
        sql`(${emailOutbox.status} = 'pending' or (${emailOutbox.status} = 'sending' and ${emailOutbox.claimedAt} < now() - make_interval(secs => ${claimTimeoutMs / 1000})))`,
      ),
    )
    .returning({ ...CLAIMED_COLUMNS, ...prefixed(context) })
    .prepare('claim_outbox_messages')
  const current = db
    .select({ id: emailOutbox.id, status: emailOutbox.status, claimedAt: emailOutbox.claimedAt })
    .from(emailOutbox)
    .where(sql`${emailOutbox.id} = any(${sql.placeholder('ids')}::uuid[])`)
    .prepare('outbox_messages_status')

  return createCoalescer(async (ids: string[]): Promise<Claimed[]> => {
    const claimed = new Map<string, Claimed>()
    for (const row of await claim.execute({ ids }))
      claimed.set(row.id, { claimed: true, ...splitClaimedRow(row) })
    const others = ids.filter((id) => !claimed.has(id))
    const found = new Map(
      others.length > 0 ? (await current.execute({ ids: others })).map((row) => [row.id, row]) : [],
    )
    // The same id twice in a batch (a job delivered twice at once): only the first sends it.
    const answered = new Set<string>()
    return ids.map((id): Claimed => {
      const mine = claimed.get(id)
      if (mine && !answered.has(id)) {
        answered.add(id)
        return mine
      }
      if (mine) return { claimed: false, status: 'sending', claimedAt: new Date() }
      const row = found.get(id)
      return row
        ? { claimed: false, status: row.status, claimedAt: row.claimedAt }
        : { claimed: false, status: 'missing' }
    })
  })
}

/**
 * Claims up to `limit` due bulk messages (everything not transactional: a case's updates to its
 * followers) for sending, oldest first, straight from PostgreSQL: one statement for a batch, no
 * queue job per message. SKIP LOCKED lets several workers claim side by side. Messages of a
 * paused case stay pending until it resumes. `context` as for `createOutboxClaimer`.
 *
 * The oldest due rows must come from an index in order, never from sorting every pending row:
 * a 100,000-follower fan-out claims thousands of times. With statistics taken while the table
 * was small (a new database, before autovacuum catches up), PostgreSQL chose to sort, and each
 * claim cost a scan of everything still pending. `claimDb` is therefore a connection of its own
 * with sorting ruled out (`enable_sort = off`, see `BULK_CLAIM_SETTINGS`), where the claim is
 * one prepared statement: setting it per claim took a transaction of four statements.
 */
export function createBulkClaimer<Context extends Record<string, SQL>>(
  claimDb: Database,
  { context }: { context: Context },
) {
  const claim = claimDb
    .update(emailOutbox)
    .set(CLAIMED)
    .where(
      sql`${emailOutbox.id} in (
        select o.id from email_outbox o
        where o.status = 'pending' and not o.transactional and o.available_at <= now()
          and not coalesce(o.action_id = any(array(
            select a.id from actions a where a.paused_at is not null)), false)
        order by o.available_at
        limit ${sql.placeholder('limit')}
        for update skip locked)`,
    )
    .returning({ ...CLAIMED_COLUMNS, ...prefixed(context) })
    .prepare('claim_bulk_outbox')
  return async (limit: number) =>
    (await claim.execute({ limit })).map(
      (row) => splitClaimedRow(row) as { message: ClaimedMessage; context: ContextOf<Context> },
    )
}

/**
 * The settings of bulk delivery's claim connection (`createBulkClaimer`). The claim runs
 * prepared, and PostgreSQL may switch a prepared statement to one plan for any values after five
 * runs; the claim's, not knowing its LIMIT, can scan the whole outbox (every sent row too), so it
 * is planned for each run's values (a planning is a fraction of a millisecond, once a claim).
 */
export const BULK_CLAIM_SETTINGS = { enable_sort: 'off', plan_cache_mode: 'force_custom_plan' }

const markOutboxMessagesSent = preparedStatement(sql`
  update ${emailOutbox} set status = 'sent', sent_at = now(), smtp_message_id = v.message_id,
    last_error = null
  from unnest(${sql.placeholder('ids')}::uuid[], ${sql.placeholder('messageIds')}::text[])
    as v(id, message_id)
  where ${emailOutbox.id} = v.id and ${emailOutbox.status} = 'sending'`)

/**
 * Marks claimed messages sent (the fan-out's common case). Marks made while one runs go together
 * in the next, one statement and one commit for many; `gather` lets a mark wait a moment for
 * more (see createCoalescer).
 */
export function createOutboxSentMarker(db: Database, { gather }: { gather?: Gather } = {}) {
  const markSent = createCoalescer(
    async (sent: { id: string; smtpMessageId: string | null }[]) => {
      await markOutboxMessagesSent(db, {
        ids: sent.map((row) => row.id),
        messageIds: sent.map((row) => row.smtpMessageId),
      })
      return sent.map(() => undefined)
    },
    { gather },
  )
  return (id: string, smtpMessageId: string | undefined) =>
    markSent({ id, smtpMessageId: smtpMessageId ?? null })
}

export async function markOutboxSent(
  db: DbOrTx,
  id: string,
  smtpMessageId: string | undefined,
  { clearPayload = false } = {},
) {
  await db
    .update(emailOutbox)
    .set({
      status: 'sent',
      sentAt: sql`now()`,
      smtpMessageId: smtpMessageId ?? null,
      lastError: null,
      ...(clearPayload ? { payload: {} } : {}),
    })
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.status, 'sending')))
}

/**
 * Puts a claimed row back, out of the queue, for the dispatcher to send later (a paused case).
 * With `claimedAttempts` (the row's attempts as its claim returned them), only that claim is
 * given back, not a later one that took the row after this claim timed out.
 */
export async function releaseOutboxMessage(
  db: Database,
  id: string,
  { claimedAttempts }: { claimedAttempts?: number } = {},
) {
  await db
    .update(emailOutbox)
    .set({
      status: 'pending',
      enqueuedAt: null,
      attempts: sql`greatest(${emailOutbox.attempts} - 1, 0)`,
    })
    .where(
      and(
        eq(emailOutbox.id, id),
        eq(emailOutbox.status, 'sending'),
        claimedAttempts === undefined ? undefined : eq(emailOutbox.attempts, claimedAttempts),
      ),
    )
}

/** Its job is gone from Redis: a row still pending is enqueued again by the dispatcher's next pass. */
export async function markOutboxUnqueued(db: DbOrTx, id: string) {
  await db
    .update(emailOutbox)
    .set({ enqueuedAt: null })
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.status, 'pending')))
}

/**
 * After a transient failure: back to pending. A queued message's job decides when to try again
 * (BullMQ's backoff); bulk mail, which has no job, is due again after `retryAfterMs`.
 */
export async function markOutboxRetry(
  db: Database,
  id: string,
  error: string,
  retryAfterMs?: number,
) {
  await db
    .update(emailOutbox)
    .set({
      status: 'pending',
      lastError: error,
      ...(retryAfterMs === undefined
        ? {}
        : { availableAt: sql`now() + make_interval(secs => ${retryAfterMs / 1000})` }),
    })
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.status, 'sending')))
}

/** Gives up on a row: shown in the console with its reason, where staff can retry it. */
export async function markOutboxFinished(
  db: DbOrTx,
  id: string,
  status: 'failed' | 'cancelled',
  reason: string,
) {
  await db
    .update(emailOutbox)
    .set({ status, lastError: reason })
    .where(and(eq(emailOutbox.id, id), inArray(emailOutbox.status, ['sending', 'pending'])))
}
