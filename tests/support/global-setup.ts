import type { TestProject } from 'vitest/node'
import { migrateDatabase } from '#db/migrate.ts'
import {
  createEmptyDatabase,
  databaseUrl,
  dropDatabase,
  dropStaleTestDatabases,
} from './database.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string
  }
}

/** Migrates one template database per run; every test file clones it. */
export default async function setup(project: TestProject) {
  await dropStaleTestDatabases()
  const template = await createEmptyDatabase('template')
  await migrateDatabase(databaseUrl(template))
  project.provide('templateDatabase', template)
  return async () => {
    await dropDatabase(template)
  }
}
