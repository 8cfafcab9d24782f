import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import type { DbOrTx } from './client.ts'

const dialect = new PgDialect()

/**
 * Runs a statement whose text never changes (its rows as arrays: `batchColumn`) as a prepared
 * statement: PostgreSQL parses it once per connection and keeps its plan, and postgres.js no
 * longer asks for the parameters' types first, a round trip of its own. Drizzle runs
 * `db.execute` and every query not built with `.prepare(name)` unprepared, which for the hot
 * batch statements (signing, the outbox) meant a parse, a plan and two round trips each time.
 * Only for constant text: every distinct text stays prepared on each connection it ran on.
 */
export async function executePrepared<Row extends Record<string, unknown>>(
  db: DbOrTx,
  query: SQL,
): Promise<Row[]> {
  const { sql, params } = dialect.sqlToQuery(query)
  // The connection (or transaction) Drizzle's handle runs on.
  const client = (db._.session as unknown as { client: postgres.Sql }).client
  return client.unsafe<Row[]>(sql, params as postgres.ParameterOrJSON<never>[], { prepare: true })
}
