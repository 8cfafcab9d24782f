// The officials of an action, as the console edits them: add, change, remove and reorder. Changes
// take the action's row lock, so two editors reordering at once never collide on a position, and
// changes to a launched action are audited.
import { and, asc, count, eq, max, sql } from 'drizzle-orm'
import type { Database, DbOrTx } from '#db/client.ts'
import { authorities, letters, type Action, type Authority } from '#db/schema.ts'
import type { AuthorityInput } from '#app/schemas/action-forms.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { holdLetterSchedulers, keepUnsendableLettersForPrinting } from '#jobs/letters.ts'
import { changedFields, editVersion, lockAction, type StaffActor } from './action-admin.server.ts'

export async function listAuthorities(db: DbOrTx, actionId: string) {
  const rows = await db
    .select({
      id: authorities.id,
      role: authorities.role,
      position: authorities.position,
      name: authorities.name,
      title: authorities.title,
      salutation: authorities.salutation,
      email: authorities.email,
      postalAddress: authorities.postalAddress,
      language: authorities.language,
    })
    .from(authorities)
    .where(eq(authorities.actionId, actionId))
    .orderBy(asc(authorities.position))
  return rows.map((row) => ({ ...row, version: authorityVersion(row) }))
}
export type ConsoleAuthority = Awaited<ReturnType<typeof listAuthorities>>[number]

export type AuthorityResult =
  | { status: 'done'; id: string }
  | { status: 'not-found' | 'closed' | 'has-letters' | 'last-target' | 'at-edge' }
  | { status: 'stale'; version: string }

/** An official as an editor's form showed them (see detailsVersion). */
export function authorityVersion(authority: AuthorityValues) {
  return editVersion(Object.values(authorityValues(authority)))
}

function editable(action: Action | null) {
  if (!action) return 'not-found' as const
  if (action.status === 'closed') return 'closed' as const
  return null
}

async function audit(
  tx: DbOrTx,
  action: Action,
  actor: StaffActor,
  event: string,
  before: unknown,
  after: unknown,
) {
  // Drafts change freely while being written; once launched, every change is on the record.
  if (action.status === 'draft') return
  await writeAudit(tx, {
    staffUserId: actor.staffUserId,
    event,
    entityType: 'action',
    entityId: action.id,
    before,
    after,
    ip: actor.ip,
  })
}

/** What staff edit on an official: only these are compared, audited and fingerprinted. */
function authorityValues(authority: AuthorityValues) {
  return {
    role: authority.role,
    name: authority.name,
    title: authority.title,
    salutation: authority.salutation,
    email: authority.email,
    postalAddress: authority.postalAddress,
    language: authority.language,
  }
}
type AuthorityValues = Pick<
  AuthorityInput,
  'role' | 'name' | 'title' | 'salutation' | 'email' | 'postalAddress' | 'language'
>

/** Adds an authority at the end of the list. */
export async function addAuthority(
  db: Database,
  { actionId, input, actor }: { actionId: string; input: AuthorityInput; actor: StaffActor },
): Promise<AuthorityResult> {
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, actionId)
    const problem = editable(action)
    if (problem) return { status: problem }
    const [last] = await tx
      .select({ position: max(authorities.position) })
      .from(authorities)
      .where(eq(authorities.actionId, actionId))
    const [created] = await tx
      .insert(authorities)
      .values({ ...authorityValues(input), actionId, position: (last?.position ?? 0) + 1 })
      .returning()
    await audit(tx, action!, actor, 'authority.added', null, created)
    return { status: 'done' as const, id: created!.id }
  })
}

export async function updateAuthority(
  db: Database,
  {
    actionId,
    authorityId,
    input,
    version,
    actor,
  }: {
    actionId: string
    authorityId: string
    input: AuthorityInput
    /** authorityVersion as the form showed it: refused if another editor saved since. */
    version?: string
    actor: StaffActor
  },
): Promise<AuthorityResult> {
  return db.transaction(async (tx) => {
    // An official left without an address may leave letters the schedulers must not pick up.
    if (input.email === null) await holdLetterSchedulers(tx)
    const action = await lockAction(tx, actionId)
    const problem = editable(action)
    if (problem) return { status: problem }
    const [current] = await tx
      .select()
      .from(authorities)
      .where(and(eq(authorities.id, authorityId), eq(authorities.actionId, actionId)))
    if (!current) return { status: 'not-found' as const }
    const currentVersion = authorityVersion(current)
    if (version !== undefined && version !== currentVersion)
      return { status: 'stale' as const, version: currentVersion }
    const next = authorityValues(input)
    if (action!.status !== 'draft' && current.role === 'target' && next.role === 'copy') {
      if ((await countTargets(tx, actionId)) <= 1) return { status: 'last-target' as const }
    }
    const diff = changedFields(current, next)
    if (Object.keys(diff.after).length === 0) return { status: 'done' as const, id: authorityId }
    await tx
      .update(authorities)
      .set({ ...diff.after, updatedAt: sql`now()` })
      .where(eq(authorities.id, authorityId))
    if ('email' in diff.after) await keepUnsendableLettersForPrinting(tx, actionId)
    await audit(
      tx,
      action!,
      actor,
      'authority.updated',
      { authorityId, ...diff.before },
      { authorityId, ...diff.after },
    )
    return { status: 'done' as const, id: authorityId }
  })
}

async function countTargets(tx: DbOrTx, actionId: string) {
  const [row] = await tx
    .select({ n: count() })
    .from(authorities)
    .where(and(eq(authorities.actionId, actionId), eq(authorities.role, 'target')))
  return row?.n ?? 0
}

/**
 * Removes an authority. One that letters were already written to stays (removing it would erase
 * the record of what was delivered), and a launched action keeps at least one target.
 */
export async function removeAuthority(
  db: Database,
  { actionId, authorityId, actor }: { actionId: string; authorityId: string; actor: StaffActor },
): Promise<AuthorityResult> {
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, actionId)
    const problem = editable(action)
    if (problem) return { status: problem }
    const [current] = await tx
      .select()
      .from(authorities)
      .where(and(eq(authorities.id, authorityId), eq(authorities.actionId, actionId)))
    if (!current) return { status: 'not-found' as const }
    const [written] = await tx
      .select({ n: count() })
      .from(letters)
      .where(eq(letters.authorityId, authorityId))
    if (written?.n) return { status: 'has-letters' as const }
    if (action!.status !== 'draft' && current.role === 'target') {
      if ((await countTargets(tx, actionId)) <= 1) return { status: 'last-target' as const }
    }
    await tx.delete(authorities).where(eq(authorities.id, authorityId))
    await audit(tx, action!, actor, 'authority.removed', current, null)
    return { status: 'done' as const, id: authorityId }
  })
}

/**
 * Swaps an authority with its neighbour above or below. Positions are unique per action, so one
 * of the two first steps aside to a negative position (no real position is negative).
 */
export async function moveAuthority(
  db: Database,
  {
    actionId,
    authorityId,
    direction,
    actor,
  }: { actionId: string; authorityId: string; direction: 'up' | 'down'; actor: StaffActor },
): Promise<AuthorityResult> {
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, actionId)
    const problem = editable(action)
    if (problem) return { status: problem }
    const list: Pick<Authority, 'id' | 'position'>[] = await tx
      .select({ id: authorities.id, position: authorities.position })
      .from(authorities)
      .where(eq(authorities.actionId, actionId))
      .orderBy(asc(authorities.position))
    const index = list.findIndex((authority) => authority.id === authorityId)
    if (index === -1) return { status: 'not-found' as const }
    const other = list[direction === 'up' ? index - 1 : index + 1]
    if (!other) return { status: 'at-edge' as const }
    const moving = list[index]!
    const setPosition = (id: string, position: number) =>
      tx
        .update(authorities)
        .set({ position, updatedAt: sql`now()` })
        .where(eq(authorities.id, id))
    await setPosition(moving.id, -moving.position)
    await setPosition(other.id, moving.position)
    await setPosition(moving.id, other.position)
    await audit(
      tx,
      action!,
      actor,
      'authority.moved',
      { order: list.map((authority) => authority.id) },
      {
        order: list.map((authority) =>
          authority.id === moving.id
            ? other.id
            : authority.id === other.id
              ? moving.id
              : authority.id,
        ),
      },
    )
    return { status: 'done' as const, id: authorityId }
  })
}
