// The campaign console's work on actions: drafting, editing, launching with a reference, pausing,
// closing (by hand or at the deadline), and the numbers a campaign manager watches. Every change
// to a launched action is written to the audit log with what it was before and after.
import crypto from 'node:crypto'
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { anyOf } from '#db/prepared.ts'
import type { Database, DbOrTx } from '#db/client.ts'
import { readConfirmedCounts } from '#db/counters.ts'
import {
  actionOutcome,
  actions,
  actionTheme,
  atRiskKind,
  authorities,
  authorityRole,
  deliveryMode,
  digestPeriod,
  follows,
  letters,
  letterTemplates,
  signatures,
  suppressions,
  supporters,
  type Action,
} from '#db/schema.ts'
import {
  ACTION_OUTCOMES,
  ACTION_THEMES,
  AT_RISK_KINDS,
  AUTHORITY_ROLES,
  DELIVERY_MODES,
  DIGEST_PERIODS,
  slugify,
  type ActionDetailsInput,
} from '#app/schemas/action-forms.ts'
import { holdLetterSchedulers, keepUnsendableLettersForPrinting } from '#jobs/letters.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { deadlinePassed } from '#app/utils/deadline.ts'
import { publishOutcomeUpdate } from './update-admin.server.ts'

// The client-safe copies of the database enums must not drift from the schema.
const sameValues = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, i) => value === b[i])
if (
  !sameValues(ACTION_THEMES, actionTheme.enumValues) ||
  !sameValues(ACTION_OUTCOMES, actionOutcome.enumValues) ||
  !sameValues(AT_RISK_KINDS, atRiskKind.enumValues) ||
  !sameValues(DELIVERY_MODES, deliveryMode.enumValues) ||
  !sameValues(DIGEST_PERIODS, digestPeriod.enumValues) ||
  !sameValues(AUTHORITY_ROLES, authorityRole.enumValues)
) {
  throw new Error('app/schemas/action-forms.ts enums differ from db/schema.ts')
}

/** Who made a change, for the audit log. */
export type StaffActor = { staffUserId: string; ip: string | null }

export type ActionOutcome = (typeof ACTION_OUTCOMES)[number]

/** The fields staff edit; only these are compared and audited. */
const EDITABLE_FIELDS = [
  'title',
  'slug',
  'summary',
  'atRiskKind',
  'atRiskName',
  'atRiskDescription',
  'country',
  'location',
  'themes',
  'story',
  'background',
  'demands',
  'deadline',
  'signatureGoal',
  'deliveryMode',
  'digestPeriod',
  'throttlePerHour',
  'photoPath',
  'photoAlt',
] as const satisfies readonly (keyof Action)[]
type EditableField = (typeof EDITABLE_FIELDS)[number]
type EditableValues = Pick<Action, EditableField>

/**
 * A fingerprint of what staff edit on an action. The edit form carries the one it was opened
 * with; a save from a form opened before another editor's save is refused rather than quietly
 * putting back what they changed. Pausing, launching and the like change none of these fields.
 */
export function detailsVersion(action: EditableValues) {
  return editVersion(EDITABLE_FIELDS.map((field) => action[field]))
}

/** A short fingerprint of the values an edit form shows (see detailsVersion). */
export function editVersion(values: unknown[]) {
  return crypto.createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22)
}

/** The values before and after of the fields that changed; empty when nothing did. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const diff: { before: Partial<T>; after: Partial<T> } = { before: {}, after: {} }
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      diff.before[key] = before[key]
      diff.after[key] = after[key]
    }
  }
  return diff
}

export function formatReference(year: number, number: number) {
  return `UA ${String(number).padStart(3, '0')}/${String(year % 100).padStart(2, '0')}`
}

/** Locks an action's row for the rest of the transaction; null when there is no such action. */
export async function lockAction(tx: DbOrTx, id: string) {
  const [action] = await tx.select().from(actions).where(eq(actions.id, id)).for('update')
  return action ?? null
}

function isUniqueViolation(error: unknown, constraint: string) {
  const cause = (error as { cause?: unknown })?.cause ?? error
  const pg = cause as { code?: string; constraint_name?: string }
  return pg?.code === '23505' && pg.constraint_name === constraint
}

async function slugTaken(db: DbOrTx, slug: string, exceptId?: string) {
  const rows = await db.select({ id: actions.id }).from(actions).where(eq(actions.slug, slug))
  return rows.some((row) => row.id !== exceptId)
}

/** The title's slug, with -2, -3, … added until no other action has it. */
async function freeSlugFor(db: DbOrTx, title: string) {
  const base = slugify(title)
  const rows = await db
    .select({ slug: actions.slug })
    .from(actions)
    .where(sql`${actions.slug} = ${base} or ${actions.slug} like ${`${base}-%`}`)
  const taken = new Set(rows.map((row) => row.slug))
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) {
    if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
  }
}

function detailsValues(input: ActionDetailsInput) {
  return {
    title: input.title,
    summary: input.summary,
    atRiskKind: input.atRiskKind,
    atRiskName: input.atRiskName,
    atRiskDescription: input.atRiskDescription,
    country: input.country,
    location: input.location,
    themes: input.themes,
    story: input.story,
    background: input.background,
    demands: input.demands,
    deadline: input.deadline,
    signatureGoal: input.signatureGoal,
    deliveryMode: input.deliveryMode,
    digestPeriod: input.digestPeriod,
    throttlePerHour: input.throttlePerHour,
  } satisfies Partial<EditableValues>
}

type FieldErrorResult = { ok: false; errors: Record<string, string[]> }
const slugTakenError: FieldErrorResult = {
  ok: false,
  errors: { slug: ['console.error.slug.taken'] },
}
const demandsRequiredError: FieldErrorResult = {
  ok: false,
  errors: { demands: ['console.error.demands.required'] },
}

/** Creates a draft. The slug is the one typed, or one made from the title. */
export async function createDraftAction(
  db: Database,
  {
    input,
    photoPath = null,
    actor,
  }: { input: ActionDetailsInput; photoPath?: string | null; actor: StaffActor },
): Promise<{ ok: true; id: string; slug: string } | FieldErrorResult> {
  try {
    return await db.transaction(async (tx) => {
      let slug = input.slug
      if (slug) {
        if (await slugTaken(tx, slug)) return slugTakenError
      } else {
        slug = await freeSlugFor(tx, input.title)
      }
      const [created] = await tx
        .insert(actions)
        .values({
          ...detailsValues(input),
          slug,
          photoPath,
          photoAlt: photoPath ? input.photoAlt : null,
          createdById: actor.staffUserId,
        })
        .returning({ id: actions.id, slug: actions.slug })
      await writeAudit(tx, {
        staffUserId: actor.staffUserId,
        event: 'action.created',
        entityType: 'action',
        entityId: created!.id,
        after: { slug, title: input.title },
        ip: actor.ip,
      })
      return { ok: true as const, id: created!.id, slug: created!.slug }
    })
  } catch (error) {
    // Two drafts with the same title at the same moment: the database has the last word.
    if (isUniqueViolation(error, 'actions_slug_unique')) return slugTakenError
    throw error
  }
}

export type PhotoChange = { kind: 'keep' } | { kind: 'replace'; name: string } | { kind: 'remove' }

/**
 * Saves the details of a draft or an active action. A launched action keeps its slug (its links
 * are out in the world), and each change to it is audited with the fields before and after.
 * Returns the photo the change replaced, for the caller to delete once committed.
 */
export async function updateActionDetails(
  db: Database,
  {
    id,
    input,
    photo,
    version,
    actor,
  }: {
    id: string
    input: ActionDetailsInput
    photo: PhotoChange
    /** detailsVersion of the action as the form showed it; omitted, the save goes regardless. */
    version?: string
    actor: StaffActor
  },
): Promise<
  | { ok: true; changed: string[]; replacedPhoto: string | null }
  | FieldErrorResult
  | { ok: false; status: 'not-found' | 'closed' }
  | { ok: false; status: 'stale'; version: string }
> {
  try {
    return await db.transaction(async (tx) => {
      // Hand delivery may leave letters the schedulers must not pick up meanwhile.
      if (input.deliveryMode === 'hand') await holdLetterSchedulers(tx)
      const current = await lockAction(tx, id)
      if (!current) return { ok: false as const, status: 'not-found' as const }
      if (current.status === 'closed') return { ok: false as const, status: 'closed' as const }
      const currentVersion = detailsVersion(current)
      if (version !== undefined && version !== currentVersion)
        return { ok: false as const, status: 'stale' as const, version: currentVersion }
      // A live case always says what it asks for (the database holds to it too).
      if (input.demands.length === 0 && current.status !== 'draft') return demandsRequiredError
      const next: Partial<EditableValues> = detailsValues(input)
      if (current.status === 'draft' && input.slug && input.slug !== current.slug) {
        if (await slugTaken(tx, input.slug, id)) return slugTakenError
        next.slug = input.slug
      }
      if (photo.kind === 'replace') next.photoPath = photo.name
      if (photo.kind === 'remove') next.photoPath = null
      const photoPath = next.photoPath === undefined ? current.photoPath : next.photoPath
      next.photoAlt = photoPath ? input.photoAlt : null

      const diff = changedFields(current, next)
      const changed = Object.keys(diff.after)
      if (changed.length === 0) return { ok: true as const, changed, replacedPhoto: null }
      await tx
        .update(actions)
        .set({ ...diff.after, updatedAt: sql`now()` })
        .where(eq(actions.id, id))
      if ('deliveryMode' in diff.after) await keepUnsendableLettersForPrinting(tx, id)
      if (current.status !== 'draft') {
        await writeAudit(tx, {
          staffUserId: actor.staffUserId,
          event: 'action.updated',
          entityType: 'action',
          entityId: id,
          before: diff.before,
          after: diff.after,
          ip: actor.ip,
        })
      }
      const replacedPhoto =
        'photoPath' in diff.after && current.photoPath ? current.photoPath : null
      return { ok: true as const, changed, replacedPhoto }
    })
  } catch (error) {
    if (isUniqueViolation(error, 'actions_slug_unique')) return slugTakenError
    throw error
  }
}

export type LaunchProblem = 'demands' | 'deadline' | 'authority' | 'letter'

/** What a draft still lacks before it can go out; empty when it is ready. */
export async function launchProblems(
  db: DbOrTx,
  action: Pick<Action, 'id' | 'demands' | 'deadline'>,
) {
  const problems: LaunchProblem[] = []
  if (action.demands.length === 0) problems.push('demands')
  // Launched, it would close at the deadline job's next check.
  if (deadlinePassed(action.deadline)) problems.push('deadline')
  const [reachable] = await db
    .select({ n: count() })
    .from(authorities)
    .where(
      and(
        eq(authorities.actionId, action.id),
        eq(authorities.role, 'target'),
        sql`(${authorities.email} is not null or length(btrim(${authorities.postalAddress})) > 0)`,
      ),
    )
  if (!reachable?.n) problems.push('authority')
  const [letter] = await db
    .select({ n: count() })
    .from(letterTemplates)
    .where(eq(letterTemplates.actionId, action.id))
  if (!letter?.n) problems.push('letter')
  return problems
}

export type LaunchResult =
  | { status: 'launched'; reference: string; slug: string }
  | { status: 'incomplete'; missing: LaunchProblem[] }
  | { status: 'not-draft' | 'not-found' }

/**
 * Draft → active, with the next reference of the year of launch (UA 001/26, UA 002/26, …).
 * An advisory lock serialises launches, so two at the same moment never take the same number.
 */
export async function launchAction(
  db: Database,
  { id, actor }: { id: string; actor: StaffActor },
): Promise<LaunchResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('vigil-reference'))`)
    const action = await lockAction(tx, id)
    if (!action) return { status: 'not-found' as const }
    if (action.status !== 'draft') return { status: 'not-draft' as const }
    const missing = await launchProblems(tx, action)
    if (missing.length > 0) return { status: 'incomplete' as const, missing }

    const [{ year } = { year: 0 }] = await tx.execute<{ year: number }>(
      sql`select extract(year from now() at time zone 'utc')::int as year`,
    )
    const [{ next } = { next: 1 }] = await tx
      .select({ next: sql<number>`coalesce(max(${actions.referenceNumber}), 0) + 1` })
      .from(actions)
      .where(eq(actions.referenceYear, year))
    const reference = formatReference(year, next)
    await tx
      .update(actions)
      .set({
        status: 'active',
        reference,
        referenceYear: year,
        referenceNumber: next,
        launchedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(actions.id, id))
    await writeAudit(tx, {
      staffUserId: actor.staffUserId,
      event: 'action.launched',
      entityType: 'action',
      entityId: id,
      before: { status: 'draft' },
      after: { status: 'active', reference },
      ip: actor.ip,
    })
    return { status: 'launched' as const, reference, slug: action.slug }
  })
}

export type StatusChangeResult = { status: 'done' | 'unchanged' | 'not-found' | 'not-active' }

/**
 * Pauses an active action at the family's or lawyers' request, or resumes it. Only the flag is
 * set here: signing stops on the page, and the delivery engine holds letters and updates itself.
 */
export async function setActionPaused(
  db: Database,
  {
    id,
    paused,
    reason = '',
    actor,
  }: { id: string; paused: boolean; reason?: string; actor: StaffActor },
): Promise<StatusChangeResult> {
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, id)
    if (!action) return { status: 'not-found' as const }
    if (action.status !== 'active') return { status: 'not-active' as const }
    if ((action.pausedAt !== null) === paused) return { status: 'unchanged' as const }
    const [after] = await tx
      .update(actions)
      .set({
        pausedAt: paused ? sql`now()` : null,
        pausedReason: paused ? reason || null : null,
        updatedAt: sql`now()`,
      })
      .where(eq(actions.id, id))
      .returning({ pausedAt: actions.pausedAt, pausedReason: actions.pausedReason })
    await writeAudit(tx, {
      staffUserId: actor.staffUserId,
      event: paused ? 'action.paused' : 'action.resumed',
      entityType: 'action',
      entityId: id,
      before: { pausedAt: action.pausedAt, pausedReason: action.pausedReason },
      after,
      ip: actor.ip,
    })
    return { status: 'done' as const }
  })
}

/**
 * Closes an active action by hand, with its outcome and a note shown on the public page. Closing
 * a paused action ends its pause: the delivery engine holds a paused case's mail until it
 * resumes, which a closed one never does, so its outcome would reach no follower. What the pause
 * held (letters, updates) goes out with the outcome; the console says so before staff close it.
 */
export async function closeAction(
  db: Database,
  {
    id,
    outcome,
    outcomeNote,
    actor,
  }: { id: string; outcome: ActionOutcome; outcomeNote: string; actor: StaffActor },
): Promise<StatusChangeResult> {
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, id)
    if (!action) return { status: 'not-found' as const }
    if (action.status !== 'active') return { status: 'not-active' as const }
    const [after] = await tx
      .update(actions)
      .set({
        status: 'closed',
        closedAt: sql`now()`,
        outcome,
        outcomeNote: outcomeNote || null,
        pausedAt: null,
        pausedReason: null,
        updatedAt: sql`now()`,
      })
      .where(eq(actions.id, id))
      .returning({
        status: actions.status,
        closedAt: actions.closedAt,
        outcome: actions.outcome,
        outcomeNote: actions.outcomeNote,
        pausedAt: actions.pausedAt,
      })
    const outcomeUpdate = await publishOutcomeUpdate(tx, {
      actionId: id,
      outcome,
      note: outcomeNote,
      staffUserId: actor.staffUserId,
    })
    await writeAudit(tx, {
      staffUserId: actor.staffUserId,
      event: 'action.closed',
      entityType: 'action',
      entityId: id,
      before: {
        status: action.status,
        outcome: action.outcome,
        outcomeNote: action.outcomeNote,
        pausedAt: action.pausedAt,
      },
      after: { ...after, outcomeUpdateSequence: outcomeUpdate.sequence },
      ip: actor.ip,
    })
    return { status: 'done' as const }
  })
}

/**
 * Closes every active action whose deadline (a date, read in UTC like the public pages do) has
 * passed, and audits each as done by the system. Called by the scheduled job; returns the count.
 * A paused action waits: closing ends a pause and sends what it held, which is for staff to
 * decide (they resume it, and it closes on the next check, or close it by hand).
 */
export async function closeExpiredActions(db: Database) {
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(actions)
      .set({ status: 'closed', closedAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          eq(actions.status, 'active'),
          isNull(actions.pausedAt),
          isNotNull(actions.deadline),
          sql`${actions.deadline} < (now() at time zone 'utc')::date`,
        ),
      )
      .returning({ id: actions.id, deadline: actions.deadline, closedAt: actions.closedAt })
    for (const action of closed) {
      await writeAudit(tx, {
        staffUserId: null,
        event: 'action.closed',
        entityType: 'action',
        entityId: action.id,
        before: { status: 'active' },
        after: {
          status: 'closed',
          closedAt: action.closedAt,
          reason: 'deadline',
          deadline: action.deadline,
        },
      })
    }
    return closed.length
  })
}

/** Every action, newest first, with the numbers the overview shows. */
export async function listActionsForConsole(db: Database) {
  const rows = await db
    .select({
      id: actions.id,
      slug: actions.slug,
      reference: actions.reference,
      status: actions.status,
      title: actions.title,
      atRiskName: actions.atRiskName,
      deadline: actions.deadline,
      paused: sql<boolean>`${actions.pausedAt} is not null`,
      createdAt: actions.createdAt,
    })
    .from(actions)
    .orderBy(
      sql`case ${actions.status} when 'active' then 0 when 'draft' then 1 else 2 end`,
      desc(actions.createdAt),
    )
  const ids = rows.map((row) => row.id)
  if (ids.length === 0) return []
  const [confirmed, pending, followers] = await Promise.all([
    readConfirmedCounts(db, ids),
    db
      .select({ actionId: signatures.actionId, n: count() })
      .from(signatures)
      .where(and(anyOf(signatures.actionId, ids), eq(signatures.status, 'pending')))
      .groupBy(signatures.actionId),
    db
      .select({ actionId: follows.actionId, n: count() })
      .from(follows)
      .where(and(anyOf(follows.actionId, ids), eq(follows.status, 'active')))
      .groupBy(follows.actionId),
  ])
  const pendingBy = new Map(pending.map((row) => [row.actionId, row.n]))
  const followersBy = new Map(followers.map((row) => [row.actionId, row.n]))
  return rows.map(({ createdAt: _createdAt, ...row }) => ({
    ...row,
    confirmed: confirmed.get(row.id) ?? 0,
    pending: pendingBy.get(row.id) ?? 0,
    followers: followersBy.get(row.id) ?? 0,
  }))
}

/** One action as the console shows and edits it. */
export async function getActionForConsole(db: DbOrTx, id: string) {
  const [action] = await db.select().from(actions).where(eq(actions.id, id))
  if (!action) return null
  return {
    ...action,
    pausedAt: action.pausedAt?.toISOString() ?? null,
    launchedAt: action.launchedAt?.toISOString() ?? null,
    closedAt: action.closedAt?.toISOString() ?? null,
    createdAt: action.createdAt.toISOString(),
    updatedAt: action.updatedAt.toISOString(),
  }
}
export type ConsoleAction = NonNullable<Awaited<ReturnType<typeof getActionForConsole>>>

const DASHBOARD_DAYS = 30

/** The numbers of one action: signatures by day, status and country, followers, letters, bounces. */
export async function getActionDashboard(db: Database, id: string) {
  const [daily, byStatus, byCountry, followerRows, letterRows, bounceRows, today] =
    await Promise.all([
      db.execute<{ day: string; confirmed: number; pending: number }>(sql`
        select to_char((created_at at time zone 'utc')::date, 'YYYY-MM-DD') as day,
               count(*) filter (where status = 'confirmed')::int as confirmed,
               count(*) filter (where status = 'pending')::int as pending
        from signatures
        where action_id = ${id}
          and created_at >= ((now() at time zone 'utc')::date - ${DASHBOARD_DAYS - 1}::int)::timestamp at time zone 'utc'
        group by 1`),
      db
        .select({ status: signatures.status, n: count() })
        .from(signatures)
        .where(eq(signatures.actionId, id))
        .groupBy(signatures.status),
      db
        .select({ country: signatures.country, n: count() })
        .from(signatures)
        .where(and(eq(signatures.actionId, id), eq(signatures.status, 'confirmed')))
        .groupBy(signatures.country)
        .orderBy(desc(count()), asc(signatures.country))
        .limit(20),
      db
        .select({ n: count() })
        .from(follows)
        .where(and(eq(follows.actionId, id), eq(follows.status, 'active'))),
      db
        .select({ status: letters.status, n: count() })
        .from(letters)
        .innerJoin(authorities, eq(authorities.id, letters.authorityId))
        .innerJoin(signatures, eq(signatures.id, letters.signatureId))
        .innerJoin(supporters, eq(supporters.id, signatures.supporterId))
        .where(
          and(
            eq(authorities.actionId, id),
            // Kept for hand delivery means printable: the printout leaves out the letters of
            // withdrawn signatures and erased supporters, and so does this count.
            sql`not (${letters.status} = 'hand' and (${signatures.status} <> 'confirmed' or ${supporters.erasedAt} is not null))`,
          ),
        )
        .groupBy(letters.status),
      db
        .select({
          reason: suppressions.reason,
          n: sql<number>`count(distinct ${supporters.id})::int`,
        })
        .from(suppressions)
        .innerJoin(supporters, eq(supporters.emailCanonical, suppressions.emailCanonical))
        .where(
          and(
            inArray(suppressions.reason, ['bounce', 'complaint']),
            sql`${supporters.id} in (
              select ${signatures.supporterId} from ${signatures} where ${signatures.actionId} = ${id}
              union
              select ${follows.supporterId} from ${follows} where ${follows.actionId} = ${id})`,
          ),
        )
        .groupBy(suppressions.reason),
      db.execute<{ today: string }>(
        sql`select to_char((now() at time zone 'utc')::date, 'YYYY-MM-DD') as today`,
      ),
    ])
  const perDay = new Map(daily.map((row) => [row.day, row]))
  const end = new Date(`${today[0]!.today}T00:00:00Z`).getTime()
  const days = Array.from({ length: DASHBOARD_DAYS }, (_, i) => {
    const day = new Date(end - (DASHBOARD_DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10)
    const row = perDay.get(day)
    return { day, confirmed: row?.confirmed ?? 0, pending: row?.pending ?? 0 }
  })
  const statusCount = (status: string) => byStatus.find((row) => row.status === status)?.n ?? 0
  const letterCount = (status: string) => letterRows.find((row) => row.status === status)?.n ?? 0
  const bounceCount = (reason: string) => bounceRows.find((row) => row.reason === reason)?.n ?? 0
  return {
    days,
    confirmed: statusCount('confirmed'),
    pending: statusCount('pending'),
    invalidated: statusCount('invalidated'),
    countries: byCountry.map((row) => ({ country: row.country, count: row.n })),
    followers: followerRows[0]?.n ?? 0,
    letters: {
      queued: letterCount('queued'),
      sent: letterCount('sent'),
      failed: letterCount('failed'),
      suppressed: letterCount('suppressed'),
      hand: letterCount('hand'),
    },
    bounces: { bounce: bounceCount('bounce'), complaint: bounceCount('complaint') },
  }
}
export type ActionDashboard = Awaited<ReturnType<typeof getActionDashboard>>

/** The action id from a route's params; a 404 for anything that is not a UUID. */
export function actionIdParam(params: { id?: string }) {
  const id = params.id ?? ''
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new Response('Not found', { status: 404 })
  }
  return id.toLowerCase()
}

/** The action, or a 404. */
export async function requireConsoleAction(db: DbOrTx, id: string) {
  const action = await getActionForConsole(db, id)
  if (!action) throw new Response('Not found', { status: 404 })
  return action
}
