import { sql } from 'drizzle-orm'

/**
 * One column of a batch of rows, as a single array parameter, for statements that take their rows
 * as arrays (`insert ... select * from unnest($1::text[], ...)`). Their text is then the same
 * whatever the batch's size, so each can be prepared once per connection (`executePrepared`);
 * built by Drizzle, a multi-row insert was a new statement for every batch size and cost more to
 * build than to run. Values go as text, because the driver
 * types an array by its first element: cast them in SQL (`::uuid[]`, `::text[]::boolean[]`).
 */
export function batchColumn<Row>(rows: readonly Row[], value: (row: Row) => string | null) {
  return sql.param(rows.map(value))
}
