import { fillPlaceholders, type SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import type { DbOrTx } from './client.ts'

const dialect = new PgDialect()

/**
 * A hot statement whose text never changes, its values given by name at each run
 * (`sql.placeholder('ids')`). A batch of rows goes as one array per column
 * (`insert ... select * from unnest($1::text[], ...)`), so the text is the same whatever the
 * batch's size; the arrays' values go as text, since the driver types an array by its first
 * element: cast them in SQL (`::uuid[]`, `::text[]::boolean[]`). The text is built once, here:
 * Drizzle turns a `sql` template into text at every run, which cost a fan-out's worker more than
 * sending the statement. It runs prepared: PostgreSQL parses it once per connection and keeps
 * its plan, and postgres.js no longer asks for the parameters' types first, a round trip of its
 * own (Drizzle runs `db.execute`, and every query not built with `.prepare(name)`, unprepared).
 * A value missing from `values` fails the call (Drizzle's fillPlaceholders names it).
 */
export function preparedStatement<Row extends Record<string, unknown> = Record<string, unknown>>(
  query: SQL,
) {
  const { sql: text, params } = dialect.sqlToQuery(query)
  return (db: DbOrTx, values: Record<string, unknown> = {}): Promise<Row[]> => {
    // The connection (or transaction) Drizzle's handle runs on.
    const client = (db._.session as unknown as { client: postgres.Sql }).client
    return client.unsafe<Row[]>(
      text,
      fillPlaceholders(params, values) as postgres.ParameterOrJSON<never>[],
      { prepare: true },
    )
  }
}
