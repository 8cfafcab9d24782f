// Everything an action's public page shows, in one read. Markdown is rendered and sanitised here,
// on the server, so the page only ever receives safe HTML.
import { and, asc, eq, isNotNull, ne, sql } from 'drizzle-orm'
import { readConfirmedCounts } from '#db/counters.ts'
import {
  actions,
  actionUpdates,
  authorities,
  letterTemplates,
  signatureCounterShards,
  type Action,
} from '#db/schema.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { renderMarkdown } from '#app/utils/markdown.server.ts'

// Every visitor sees the same page, so a surge of visitors need not read and render the same case
// on every request: each web process keeps a page's content for up to PAGE_CACHE_MS. Every request
// still reads the action's row and its count in one query, so a confirmation shows at once and an
// edit to the action itself (details, pause, close) at the next request; changes to its
// officials, letter or updates show within PAGE_CACHE_MS.
const PAGE_CACHE_MS = 2000
const PAGE_CACHE_ENTRIES = 500
type PageContent = Awaited<ReturnType<typeof readPageContent>>
const pageCache = new Map<string, { at: number; updatedAt: number; content: PageContent }>()

export async function getActionPage(slug: string) {
  const db = getDb()
  const [row] = await db
    .select({
      action: actions,
      // The sum readConfirmedCounts makes, in the same query: at most COUNTER_SHARDS rows.
      confirmed: sql<number>`(select coalesce(sum(${signatureCounterShards.confirmed}), 0)
        from ${signatureCounterShards} where ${signatureCounterShards.actionId} = ${actions.id})`.mapWith(
        Number,
      ),
    })
    .from(actions)
    .where(and(eq(actions.slug, slug), ne(actions.status, 'draft')))
  if (!row) {
    pageCache.delete(slug)
    return null
  }
  const { action } = row
  const now = Date.now()
  let content = pageCache.get(slug)
  if (
    !content ||
    now - content.at >= PAGE_CACHE_MS ||
    content.updatedAt !== action.updatedAt.getTime()
  ) {
    content = {
      at: now,
      updatedAt: action.updatedAt.getTime(),
      content: await readPageContent(action),
    }
    pageCache.delete(slug)
    pageCache.set(slug, content)
    // A Map iterates oldest first: past more cases than any site has live, drop the oldest.
    if (pageCache.size > PAGE_CACHE_ENTRIES) pageCache.delete(pageCache.keys().next().value!)
  }
  return {
    ...content.content,
    deadlinePassed:
      action.deadline !== null && action.deadline < new Date().toISOString().slice(0, 10),
    confirmedCount: row.confirmed,
    status: action.status,
    paused: action.pausedAt !== null,
    // Open for signatures: launched, not closed, not paused.
    signable: action.status === 'active' && action.pausedAt === null,
  }
}

/** What the page shows that does not change from one visitor to the next. */
async function readPageContent(action: Action) {
  const db = getDb()
  const [targets, [letter], updates] = await Promise.all([
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
  ])
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
    signatureGoal: action.signatureGoal,
    outcome: action.outcome,
    outcomeNote: action.outcomeNote,
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
