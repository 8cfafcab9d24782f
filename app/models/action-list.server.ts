// The public list of urgent actions at /actions: what a supporter may filter by, and the query.
// Drafts never leave this module; counts come from the sharded counters, never from signatures.
import { and, arrayContains, asc, eq, ilike, ne, or, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { ActionCardData } from '#app/components/action-card.tsx'
import { isCountryCode } from '#app/utils/countries.ts'
import type { DbOrTx } from '#db/client.ts'
import { readConfirmedCounts } from '#db/counters.ts'
import { actions, actionTheme } from '#db/schema.ts'

export const ACTION_LIST_PAGE_SIZE = 24
export const ACTION_LIST_QUERY_MAX_LENGTH = 100
export const actionListStatuses = ['all', 'active', 'closed'] as const

// An empty field is what a GET form sends for "no filter".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema.optional(),
  )

export const ActionListSearchSchema = z.object({
  q: optional(z.string().trim().max(ACTION_LIST_QUERY_MAX_LENGTH)),
  country: optional(
    z
      .string()
      .trim()
      .transform((value) => value.toUpperCase())
      .refine(isCountryCode),
  ),
  theme: optional(z.enum(actionTheme.enumValues)),
  status: optional(z.enum(actionListStatuses)).transform((value) => value ?? 'all'),
  page: optional(z.coerce.number().int().min(1).max(100_000)).transform((value) => value ?? 1),
})

export type ActionListFilters = z.output<typeof ActionListSearchSchema>
export type ActionListFilterName = keyof ActionListFilters
const filterNames = Object.keys(ActionListSearchSchema.shape) as ActionListFilterName[]

/**
 * Reads the filters from a URL's search params. A bad value (an unknown theme, an over-long
 * search) is not an error: it is dropped, the rest still applies, and the caller is told which
 * filters were ignored so the page can say so.
 */
export function parseActionListSearch(searchParams: URLSearchParams) {
  const raw: Partial<Record<ActionListFilterName, string>> = {}
  for (const name of filterNames) {
    const value = searchParams.get(name)
    if (value !== null) raw[name] = value
  }
  const first = ActionListSearchSchema.safeParse(raw)
  if (first.success) return { filters: first.data, ignored: [] as ActionListFilterName[] }
  const ignored = filterNames.filter((name) =>
    first.error.issues.some((issue) => issue.path[0] === name),
  )
  for (const name of ignored) delete raw[name]
  // Every field is optional, so without the bad values this cannot fail.
  return { filters: ActionListSearchSchema.parse(raw), ignored }
}

/** `%` and `_` in a supporter's search are letters to find, not wildcards. */
function likeContains(text: string) {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

function publicActionsWhere(filters: ActionListFilters) {
  const conditions: SQL[] = [ne(actions.status, 'draft')]
  if (filters.status !== 'all') conditions.push(eq(actions.status, filters.status))
  if (filters.country) conditions.push(eq(actions.country, filters.country))
  if (filters.theme) conditions.push(arrayContains(actions.themes, [filters.theme]))
  if (filters.q) {
    const pattern = likeContains(filters.q)
    conditions.push(or(ilike(actions.atRiskName, pattern), ilike(actions.title, pattern))!)
  }
  return and(...conditions)
}

/**
 * One page of public actions: open ones first, the most urgent deadline first (none last), then
 * closed ones, the most recently closed first. A page past the end shows the last page.
 */
export async function listPublicActions(db: DbOrTx, filters: ActionListFilters) {
  const where = publicActionsWhere(filters)
  const total = await db.$count(actions, where)
  const pageCount = Math.max(1, Math.ceil(total / ACTION_LIST_PAGE_SIZE))
  const page = Math.min(filters.page, pageCount)
  const rows =
    total === 0
      ? []
      : await db
          .select({
            id: actions.id,
            slug: actions.slug,
            reference: actions.reference,
            title: actions.title,
            summary: actions.summary,
            atRiskName: actions.atRiskName,
            country: actions.country,
            location: actions.location,
            themes: actions.themes,
            deadline: actions.deadline,
            signatureGoal: actions.signatureGoal,
            paused: sql<boolean>`${actions.pausedAt} is not null`,
            status: actions.status,
            outcome: actions.outcome,
            closedAt: actions.closedAt,
          })
          .from(actions)
          .where(where)
          .orderBy(
            sql`case when ${actions.status} = 'active' then 0 else 1 end`,
            sql`case when ${actions.status} = 'active' then ${actions.deadline} end asc nulls last`,
            sql`${actions.closedAt} desc nulls last`,
            asc(actions.launchedAt),
            asc(actions.slug),
          )
          .limit(ACTION_LIST_PAGE_SIZE)
          .offset((page - 1) * ACTION_LIST_PAGE_SIZE)
  const counts = await readConfirmedCounts(
    db,
    rows.map((row) => row.id),
  )
  const cards = rows.map(({ id, status, outcome, closedAt, ...row }): ActionCardData => ({
    ...row,
    confirmedCount: counts.get(id) ?? 0,
    closed: status === 'closed' && closedAt ? { on: closedAt.toISOString(), outcome } : null,
  }))
  return { actions: cards, total, page, pageCount }
}

/** What the filter form offers: every theme, and only the countries with a public action. */
export async function getActionListFilterOptions(db: DbOrTx) {
  const rows = await db
    .selectDistinct({ country: actions.country })
    .from(actions)
    .where(ne(actions.status, 'draft'))
  return { countries: rows.map((row) => row.country), themes: [...actionTheme.enumValues] }
}
