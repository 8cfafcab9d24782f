import { and, asc, eq, sql } from 'drizzle-orm'
import { readConfirmedCounts } from '#db/counters.ts'
import { actions } from '#db/schema.ts'
import { getDb } from '#app/utils/db.server.ts'

export type ActionCard = Awaited<ReturnType<typeof getActiveActionCards>>[number]

/** Open actions for the home page, the most urgent deadline first, with their counts. */
export async function getActiveActionCards() {
  const db = getDb()
  const rows = await db
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
    })
    .from(actions)
    .where(and(eq(actions.status, 'active')))
    .orderBy(sql`${actions.deadline} asc nulls last`, asc(actions.launchedAt))
  const counts = await readConfirmedCounts(
    db,
    rows.map((row) => row.id),
  )
  return rows.map(({ id, ...row }) => ({ ...row, confirmedCount: counts.get(id) ?? 0 }))
}
