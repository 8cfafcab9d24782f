import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema.ts'

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql }
/** A database handle or an open transaction: services accept either, so callers compose them. */
export type DbOrTx = Database | Parameters<Parameters<Database['transaction']>[0]>[0]

export type DbOptions = {
  max?: number
  applicationName?: string
  /** Settings of every connection of this pool (e.g. a planner setting one statement needs). */
  settings?: Record<string, string>
}

/**
 * Seconds before a connection tries again after failing to connect: 50 ms doubling to at most
 * 1 s, with jitter. postgres.js's default grows to 10-20 s after a few failures, counted across
 * the pool, and a query waits for its connection's next attempt: after a PostgreSQL restart of
 * a few seconds, requests then hung for up to 20 s. A refused attempt costs next to nothing.
 */
export function reconnectDelaySeconds(retries: number) {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1)
}

// How a pool createDb made was opened, kept on the pool itself for a connection beside it
// (openConnectionLike). A registry of this module's would not do: the server and the Remix build
// each bundle a copy of it, and the pool one made is used by the other.
const OPENED_WITH = Symbol.for('vigil.db.openedWith')
type OpenedWith = { url: string; options: DbOptions }

export function createDb(
  url: string,
  { max = 10, applicationName = 'vigil', settings = {} }: DbOptions = {},
  /** Told each time one of the pool's connections closes. */
  onConnectionClosed?: () => void,
) {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    ...(onConnectionClosed ? { onclose: onConnectionClosed } : {}),
    connection: { ...settings, application_name: applicationName },
    backoff: reconnectDelaySeconds,
    // A connection attempt that gets no answer at all (a lost SYN) fails after this long.
    connect_timeout: 10,
  })
  Object.defineProperty(client, OPENED_WITH, {
    value: { url, options: { max, applicationName, settings } } satisfies OpenedWith,
  })
  return drizzle(client, { schema }) as Database
}

/**
 * One connection of its own, set up as `db`'s pool is (with `settings` besides) but outside it,
 * for work that ends by closing its connection: an export, which holds its slot as long as the
 * connection lives. End it (`.end()`) when done. `onClosed` is told when the connection closes
 * (postgres.js would open another for a later query, silently).
 */
export function openConnectionLike(
  db: Database,
  applicationName: string,
  { settings = {}, onClosed }: { settings?: Record<string, string>; onClosed?: () => void } = {},
) {
  const opened = (db.$client as unknown as Record<symbol, OpenedWith | undefined>)[OPENED_WITH]
  if (!opened) throw new Error('openConnectionLike: the database was not opened by createDb')
  return createDb(
    opened.url,
    {
      ...opened.options,
      max: 1,
      applicationName,
      settings: { ...opened.options.settings, ...settings },
    },
    onClosed,
  ).$client
}

export async function closeDb(db: Database) {
  await db.$client.end({ timeout: 5 })
}
