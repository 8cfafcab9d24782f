// Updates on a case, as the console writes them: drafted, previewed, then published. Published
// updates are numbered 1, 2, 3… per action ("UA 014/26 update 2"); the delivery engine notices a
// published update by itself and emails its followers, and the console shows how far that got.
import { and, asc, desc, eq, isNotNull, isNull, max, sql } from 'drizzle-orm'
import { anyOf } from '#db/prepared.ts'
import type { Database, DbOrTx } from '#db/client.ts'
import { actionUpdates, emailOutbox } from '#db/schema.ts'
import type { UpdateInput } from '#app/schemas/action-forms.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { renderMarkdown } from '#app/utils/markdown.server.ts'
import { lockAction, type ActionOutcome, type StaffActor } from './action-admin.server.ts'

/** Every update of an action: drafts first, then the published ones with their fan-out progress. */
export async function listUpdatesForConsole(db: DbOrTx, actionId: string) {
  const rows = await db
    .select({
      id: actionUpdates.id,
      sequence: actionUpdates.sequence,
      title: actionUpdates.title,
      body: actionUpdates.body,
      outcome: actionUpdates.outcome,
      publishedAt: actionUpdates.publishedAt,
      fanoutTotal: actionUpdates.fanoutTotal,
      fanoutCompletedAt: actionUpdates.fanoutCompletedAt,
    })
    .from(actionUpdates)
    .where(eq(actionUpdates.actionId, actionId))
    .orderBy(sql`${actionUpdates.publishedAt} is not null`, desc(actionUpdates.sequence))
  const published = rows.filter((row) => row.publishedAt).map((row) => row.id)
  const sent =
    published.length === 0
      ? []
      : await db
          .select({ updateId: emailOutbox.updateId, n: sql<number>`count(*)::int` })
          .from(emailOutbox)
          .where(and(anyOf(emailOutbox.updateId, published), eq(emailOutbox.status, 'sent')))
          .groupBy(emailOutbox.updateId)
  const sentBy = new Map(sent.map((row) => [row.updateId, row.n]))
  return rows.map((row) => ({
    id: row.id,
    // A draft's sequence is only a placeholder until it is published.
    sequence: row.publishedAt ? row.sequence : null,
    title: row.title,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    outcome: row.outcome,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    fanout: row.publishedAt
      ? {
          sent: sentBy.get(row.id) ?? 0,
          total: row.fanoutTotal,
          completed: row.fanoutCompletedAt !== null,
        }
      : null,
  }))
}
export type ConsoleUpdate = Awaited<ReturnType<typeof listUpdatesForConsole>>[number]

export type UpdateResult =
  | { status: 'done'; id: string; sequence?: number }
  | { status: 'not-found' | 'published' | 'draft-action' }

/**
 * Saves a draft update, new or existing. Drafts take a placeholder sequence above every other
 * (the column is unique per action and never empty); publishing gives the real number.
 */
export async function saveUpdateDraft(
  db: Database,
  {
    actionId,
    updateId,
    input,
    actor,
  }: { actionId: string; updateId?: string | null; input: UpdateInput; actor: StaffActor },
): Promise<UpdateResult> {
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, actionId)
    if (!action) return { status: 'not-found' as const }
    const values = { title: input.title, body: input.body, outcome: input.outcome }
    if (updateId) {
      const [saved] = await tx
        .update(actionUpdates)
        .set({ ...values, updatedAt: sql`now()` })
        .where(
          and(
            eq(actionUpdates.id, updateId),
            eq(actionUpdates.actionId, actionId),
            isNull(actionUpdates.publishedAt),
          ),
        )
        .returning({ id: actionUpdates.id })
      if (!saved)
        return { status: (await exists(tx, actionId, updateId)) ? 'published' : 'not-found' }
      return { status: 'done' as const, id: saved.id }
    }
    const [created] = await tx
      .insert(actionUpdates)
      .values({
        ...values,
        actionId,
        sequence: await nextFreeSequence(tx, actionId),
        createdById: actor.staffUserId,
      })
      .returning({ id: actionUpdates.id })
    return { status: 'done' as const, id: created!.id }
  })
}

async function exists(tx: DbOrTx, actionId: string, updateId: string) {
  const rows = await tx
    .select({ id: actionUpdates.id })
    .from(actionUpdates)
    .where(and(eq(actionUpdates.id, updateId), eq(actionUpdates.actionId, actionId)))
  return rows.length > 0
}

async function nextFreeSequence(tx: DbOrTx, actionId: string) {
  const [row] = await tx
    .select({ top: max(actionUpdates.sequence) })
    .from(actionUpdates)
    .where(eq(actionUpdates.actionId, actionId))
  return (row?.top ?? 0) + 1
}

/**
 * The number the next published update takes: one after the published ones. A draft (other than
 * `publishing`) holding it as its placeholder moves aside. Call with the action's row locked.
 */
async function takeNextPublishedSequence(tx: DbOrTx, actionId: string, publishing?: string) {
  const [last] = await tx
    .select({ top: max(actionUpdates.sequence) })
    .from(actionUpdates)
    .where(and(eq(actionUpdates.actionId, actionId), isNotNull(actionUpdates.publishedAt)))
  const sequence = (last?.top ?? 0) + 1
  const [holder] = await tx
    .select({ id: actionUpdates.id })
    .from(actionUpdates)
    .where(and(eq(actionUpdates.actionId, actionId), eq(actionUpdates.sequence, sequence)))
  if (holder && holder.id !== publishing) {
    await tx
      .update(actionUpdates)
      .set({ sequence: await nextFreeSequence(tx, actionId) })
      .where(eq(actionUpdates.id, holder.id))
  }
  return sequence
}

/**
 * Closing a case with an outcome publishes the outcome as its last update ("UA 014/26 update 3:
 * Released"), so it joins the timeline and reaches every follower through the same fan-out.
 * Runs inside the closing transaction, with the action's row locked.
 */
export async function publishOutcomeUpdate(
  tx: DbOrTx,
  {
    actionId,
    outcome,
    note,
    staffUserId,
  }: { actionId: string; outcome: ActionOutcome; note: string; staffUserId: string | null },
) {
  const title = createTranslator('en')(`actionPage.outcome.${outcome}`)
  const sequence = await takeNextPublishedSequence(tx, actionId)
  const [created] = await tx
    .insert(actionUpdates)
    .values({
      actionId,
      sequence,
      title,
      body: note || title,
      outcome,
      publishedAt: sql`now()`,
      createdById: staffUserId,
    })
    .returning({ id: actionUpdates.id })
  return { id: created!.id, sequence }
}

/**
 * Publishes a draft with the next number after the published ones. A draft holding that number
 * as its placeholder moves aside first. The action's row lock makes publishing one at a time.
 */
export async function publishUpdate(
  db: Database,
  { actionId, updateId, actor }: { actionId: string; updateId: string; actor: StaffActor },
): Promise<UpdateResult> {
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, actionId)
    if (!action) return { status: 'not-found' as const }
    // A draft action has no reference yet, so its updates could not be numbered "UA … update n".
    if (action.status === 'draft') return { status: 'draft-action' as const }
    const [update] = await tx
      .select()
      .from(actionUpdates)
      .where(and(eq(actionUpdates.id, updateId), eq(actionUpdates.actionId, actionId)))
    if (!update) return { status: 'not-found' as const }
    if (update.publishedAt) return { status: 'published' as const }
    const sequence = await takeNextPublishedSequence(tx, actionId, updateId)
    const [published] = await tx
      .update(actionUpdates)
      .set({ sequence, publishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(actionUpdates.id, updateId))
      .returning({ publishedAt: actionUpdates.publishedAt })
    await writeAudit(tx, {
      staffUserId: actor.staffUserId,
      event: 'update.published',
      entityType: 'action',
      entityId: actionId,
      after: {
        updateId,
        sequence,
        title: update.title,
        outcome: update.outcome,
        publishedAt: published!.publishedAt,
      },
      ip: actor.ip,
    })
    return { status: 'done' as const, id: updateId, sequence }
  })
}

/** Deletes a draft; a published update stays (it has been emailed and is on the public page). */
export async function deleteUpdateDraft(
  db: Database,
  { actionId, updateId }: { actionId: string; updateId: string },
): Promise<UpdateResult> {
  const deleted = await db
    .delete(actionUpdates)
    .where(
      and(
        eq(actionUpdates.id, updateId),
        eq(actionUpdates.actionId, actionId),
        isNull(actionUpdates.publishedAt),
      ),
    )
    .returning({ id: actionUpdates.id })
  if (deleted.length === 0)
    return { status: (await exists(db, actionId, updateId)) ? 'published' : 'not-found' }
  return { status: 'done', id: updateId }
}

/** One update for the editing form (drafts only). */
export async function getDraftUpdate(db: DbOrTx, actionId: string, updateId: string) {
  const [update] = await db
    .select({
      id: actionUpdates.id,
      title: actionUpdates.title,
      body: actionUpdates.body,
      outcome: actionUpdates.outcome,
    })
    .from(actionUpdates)
    .where(
      and(
        eq(actionUpdates.id, updateId),
        eq(actionUpdates.actionId, actionId),
        isNull(actionUpdates.publishedAt),
      ),
    )
    .orderBy(asc(actionUpdates.createdAt))
  return update ?? null
}
