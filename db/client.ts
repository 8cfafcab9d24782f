import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema.ts'

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql }
/** A database handle or an open transaction: services accept either, so callers compose them. */
export type DbOrTx = Database | Parameters<Parameters<Database['transaction']>[0]>[0]

export type DbOptions = { max?: number; applicationName?: string }

export function createDb(url: string, { max = 10, applicationName = 'vigil' }: DbOptions = {}) {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: applicationName },
  })
  return drizzle(client, { schema }) as Database
}

export async function closeDb(db: Database) {
  await db.$client.end({ timeout: 5 })
}
