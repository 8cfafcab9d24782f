// Everything an action's public page shows, in one read. Markdown is rendered and sanitised here,
// on the server, so the page only ever receives safe HTML.
import { and, asc, eq, isNotNull, ne } from 'drizzle-orm'
import { readConfirmedCounts } from '#db/counters.ts'
import { actions, actionUpdates, authorities, letterTemplates } from '#db/schema.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { renderMarkdown } from '#app/utils/markdown.server.ts'

export async function getActionPage(slug: string) {
  const db = getDb()
  const [action] = await db
    .select()
    .from(actions)
    .where(and(eq(actions.slug, slug), ne(actions.status, 'draft')))
  if (!action) return null
  const [targets, [letter], updates, counts] = await Promise.all([
    db
      .select({
        role: authorities.role,
        name: authorities.name,
        title: authorities.title,
        salutation: authorities.salutation,
        postalAddress: authorities.postalAddress,
        language: authorities.language,
      })
      .from(authorities)
      .where(eq(authorities.actionId, action.id))
      .orderBy(asc(authorities.position)),
    db
      .select({ subject: letterTemplates.subject, body: letterTemplates.body })
      .from(letterTemplates)
      .where(eq(letterTemplates.actionId, action.id))
      .orderBy(asc(letterTemplates.createdAt))
      .limit(1),
    db
      .select({
        sequence: actionUpdates.sequence,
        title: actionUpdates.title,
        body: actionUpdates.body,
        outcome: actionUpdates.outcome,
        publishedAt: actionUpdates.publishedAt,
      })
      .from(actionUpdates)
      .where(and(eq(actionUpdates.actionId, action.id), isNotNull(actionUpdates.publishedAt)))
      .orderBy(asc(actionUpdates.sequence)),
    readConfirmedCounts(db, [action.id]),
  ])
  const deadlinePassed =
    action.deadline !== null && action.deadline < new Date().toISOString().slice(0, 10)
  return {
    id: action.id,
    slug: action.slug,
    reference: action.reference,
    title: action.title,
    summary: action.summary,
    atRiskName: action.atRiskName,
    atRiskDescription: action.atRiskDescription,
    country: action.country,
    location: action.location,
    themes: action.themes,
    storyHtml: renderMarkdown(action.story),
    backgroundHtml: renderMarkdown(action.background),
    demands: action.demands,
    deadline: action.deadline,
    deadlinePassed,
    signatureGoal: action.signatureGoal,
    confirmedCount: counts.get(action.id) ?? 0,
    status: action.status,
    paused: action.pausedAt !== null,
    outcome: action.outcome,
    outcomeNote: action.outcomeNote,
    // Open for signatures: launched, not closed, not paused.
    signable: action.status === 'active' && action.pausedAt === null,
    authorities: targets,
    letter: letter ?? null,
    updates: updates.map(({ body, ...update }) => ({
      ...update,
      publishedAt: update.publishedAt!.toISOString(),
      bodyHtml: renderMarkdown(body),
    })),
    url: `${getEnv().APP_URL}/actions/${action.slug}`,
  }
}

export type ActionPageData = NonNullable<Awaited<ReturnType<typeof getActionPage>>>

/** The little a thank-you or check-email page needs. */
export async function getActionSummary(slug: string) {
  const [action] = await getDb()
    .select({
      id: actions.id,
      slug: actions.slug,
      title: actions.title,
      atRiskName: actions.atRiskName,
    })
    .from(actions)
    .where(and(eq(actions.slug, slug), ne(actions.status, 'draft')))
  if (!action) return null
  const counts = await readConfirmedCounts(getDb(), [action.id])
  return {
    ...action,
    confirmedCount: counts.get(action.id) ?? 0,
    url: `${getEnv().APP_URL}/actions/${action.slug}`,
  }
}
