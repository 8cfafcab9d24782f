import type { TestProject } from 'vitest/node'
import { migrateDatabase } from '#db/migrate.ts'
import { ensureBuild } from '#scripts/ensure-build.ts'
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

/**
 * Migrates one template database per run; every test file clones it. Builds the app once, for
 * the files that start the production web server: files run in parallel, and two builds into
 * one folder at once would race.
 */
export default async function setup(project: TestProject) {
  ensureBuild({ always: false })
  await dropStaleTestDatabases()
  const template = await createEmptyDatabase('template')
  await migrateDatabase(databaseUrl(template))
  project.provide('templateDatabase', template)
  return async () => {
    await dropDatabase(template)
  }
}
