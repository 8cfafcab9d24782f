import { fillPlaceholders, sql, type SQL } from 'drizzle-orm'
import { PgDialect, type AnyPgColumn } from 'drizzle-orm/pg-core'
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
 * its plan, and postgres.js asks for the parameters' types only the first time, a round trip of
 * its own. (Drizzle's own queries run prepared too since patches/drizzle-orm+0.45.4.patch, up to
 * 100 values; a text that varies with a list's length would be prepared once per length: see
 * `anyOf`.) A value missing from `values` fails the call (Drizzle's fillPlaceholders names it).
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

/**
 * `column = any($1)`: a list as one array parameter, so the statement's text is the same whatever
 * the list's length. Drizzle's `inArray` writes a parameter per value, and every query runs
 * prepared (patches/drizzle-orm+0.45.4.patch): each length would be a statement of its own, kept
 * by the connection and by PostgreSQL until the connection closes.
 */
export function anyOf<Column extends AnyPgColumn>(
  column: Column,
  // Sent as they are (no column encoder): for uuid and text columns, which is where lists go.
  values: readonly Column['_']['data'][],
) {
  return sql`${column} = any(${sql.param(values)}::${sql.raw(column.getSQLType())}[])`
}
