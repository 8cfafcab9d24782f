import { createDb, type Database } from '#db/client.ts'
import { getEnv } from './env.server.ts'

// Kept on globalThis so dev rebuilds reuse the pool instead of leaking connections.
const globalForDb = globalThis as typeof globalThis & { __vigilDb?: Database }

export function getDb(): Database {
  globalForDb.__vigilDb ??= createDb(getEnv().DATABASE_URL, { applicationName: 'vigil-web' })
  return globalForDb.__vigilDb
}
