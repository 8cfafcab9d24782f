// Everything an action's public page shows, in one read. Markdown is rendered and sanitised here,
// on the server, so the page only ever receives safe HTML.
import { and, asc, eq, isNotNull, ne } from 'drizzle-orm'
import { readConfirmedCounts } from '#db/counters.ts'
import { actions, actionUpdates, authorities, letterTemplates } from '#db/schema.ts'
import { describeDatabaseError, isDatabaseUnavailable } from '#app/utils/db-errors.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { deadlinePassed } from '#app/utils/deadline.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { renderMarkdown } from '#app/utils/markdown.server.ts'

async function readActionPage(slug: string) {
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
    deadlinePassed: deadlinePassed(action.deadline),
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

export type ActionPageData = NonNullable<Awaited<ReturnType<typeof readActionPage>>>

/** Actions whose last read page each web process keeps, for when the database cannot answer. */
const LAST_READ_LIMIT = 200
/** How long a read may take before a waiting visitor gets the last read page instead. */
const LAST_READ_AFTER_MS = 3_000
/** How long a read may take when there is no last read page to show instead. */
const NO_PAGE_AFTER_MS = 10_000
const lastRead = new Map<string, ActionPageData>()
/** The database cannot answer and this process has no page of the action to show instead. */
export class ActionPageUnavailableError extends Error {
  constructor(why: string, options?: ErrorOptions) {
    super(`action page unavailable: ${why}`, options)
    this.name = 'ActionPageUnavailableError'
  }
}

/** Said once when this process starts showing last read pages, and once when it stops. */
let showingLastRead = false

function showLastRead(why: string) {
  if (!showingLastRead) console.error(`action pages: ${why}; showing the pages last read`)
  showingLastRead = true
}

function remember(slug: string, page: ActionPageData | null) {
  if (showingLastRead) console.error('action pages: the database answers again')
  showingLastRead = false
  lastRead.delete(slug)
  if (!page) return
  lastRead.set(slug, page)
  // A Map iterates in insertion order: the first key is the page read longest ago.
  if (lastRead.size > LAST_READ_LIMIT) lastRead.delete(lastRead.keys().next().value!)
}

/**
 * An action's public page. While the database cannot answer (a restart, a failover, a connection
 * that hangs), visitors get the page as this process last read it, count and all, instead of an
 * error: the case stays readable when it is shared most, and the sign form still takes signatures
 * (answered with a request to send them again if the database is still away). An action never
 * read by this process cannot be shown: ActionPageUnavailableError (a 503).
 */
export async function getActionPage(slug: string): Promise<ActionPageData | null> {
  const read = readActionPage(slug).then((page) => {
    remember(slug, page)
    return page
  })
  const last = lastRead.get(slug)
  // With nothing to show instead, the visitor waits longer for the database, but not forever.
  const waitMs = last ? LAST_READ_AFTER_MS : NO_PAGE_AFTER_MS
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), waitMs)
  })
  let why: string
  let cause: unknown
  try {
    const page = await Promise.race([read, late])
    if (page !== 'late') return page
    // The read goes on, and keeps its page for the next visitor if it ever answers.
    read.catch(() => {})
    why = `the database has not answered in ${waitMs / 1000} s`
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error
    why = `the database is unavailable (${describeDatabaseError(error)})`
    cause = error
  } finally {
    clearTimeout(timer)
  }
  if (!last) throw new ActionPageUnavailableError(why, { cause })
  showLastRead(why)
  return last
}

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
