// Demo content for a new development database: fictional urgent actions with authorities, letters,
// updates and confirmed signatures. Runs only on an empty database, so it never touches real data.
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { closeDb, createDb, type Database } from './client.ts'
import { addConfirmedSignatures } from './counters.ts'
import {
  actions,
  actionUpdates,
  authorities,
  letterTemplates,
  signatures,
  supporters,
} from './schema.ts'
import { seedActions, type SeedAction } from './seed-data.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const FIRST_NAMES = [
  'Ana',
  'Kwame',
  'Mei',
  'Tomás',
  'Aisha',
  'Lars',
  'Priya',
  'Oren',
  'Zanele',
  'Ilse',
]
const LAST_NAMES = ['Ruiz', 'Mensah', 'Lindqvist', 'Okafor', 'Haddad', 'Novak', 'Tanaka', 'Silva']
const COUNTRIES = ['GB', 'DE', 'FR', 'ES', 'NL', 'SE', 'CA', 'AU', 'ZA', 'BR', 'IN', 'JP']

export function toIsoDate(date: Date) {
  return date.toISOString().slice(0, 10)
}

/** References are sequential per year of launch: UA 001/26, UA 002/26, … */
function assignReferences(items: SeedAction[], now: Date) {
  const launched = items
    .filter((item) => item.launchedDaysAgo !== null)
    .map((item) => ({ item, launchedAt: new Date(now.getTime() - item.launchedDaysAgo! * DAY_MS) }))
    .sort((a, b) => a.launchedAt.getTime() - b.launchedAt.getTime())
  const perYear = new Map<number, number>()
  const references = new Map<SeedAction, { year: number; number: number; launchedAt: Date }>()
  for (const { item, launchedAt } of launched) {
    const year = launchedAt.getUTCFullYear()
    const number = (perYear.get(year) ?? 0) + 1
    perYear.set(year, number)
    references.set(item, { year, number, launchedAt })
  }
  return references
}

export function formatReference(year: number, number: number) {
  return `UA ${String(number).padStart(3, '0')}/${String(year % 100).padStart(2, '0')}`
}

/** Seeds an empty database; returns false (and does nothing) when any action already exists. */
export async function seedDatabase(db: Database, now = new Date()) {
  return db.transaction(async (tx) => {
    // Serialise concurrent seeders (two dev processes starting at once).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('vigil-seed'))`)
    const [existing] = await tx.select({ id: actions.id }).from(actions).limit(1)
    if (existing) return false

    const maxSignatures = Math.max(...seedActions.map((item) => item.confirmedSignatures), 0)
    const demoSupporters = await tx
      .insert(supporters)
      .values(
        Array.from({ length: maxSignatures }, (_, i) => {
          const firstName = FIRST_NAMES[i % FIRST_NAMES.length]!
          const lastName = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!
          const email = `supporter-${String(i + 1).padStart(4, '0')}@demo.example`
          return {
            email,
            emailCanonical: email,
            firstName,
            lastName,
            country: COUNTRIES[i % COUNTRIES.length]!,
          }
        }),
      )
      .returning({ id: supporters.id, country: supporters.country })

    const references = assignReferences(seedActions, now)
    for (const item of seedActions) {
      const reference = references.get(item)
      const closedAt =
        item.closedDaysAgo === undefined
          ? null
          : new Date(now.getTime() - item.closedDaysAgo * DAY_MS)
      const [action] = await tx
        .insert(actions)
        .values({
          ...item.action,
          deadline: toIsoDate(new Date(now.getTime() + item.deadlineInDays * DAY_MS)),
          reference: reference ? formatReference(reference.year, reference.number) : null,
          referenceYear: reference?.year ?? null,
          referenceNumber: reference?.number ?? null,
          launchedAt: reference?.launchedAt ?? null,
          closedAt,
        })
        .returning({ id: actions.id })
      const actionId = action!.id

      if (item.authorities.length > 0) {
        await tx
          .insert(authorities)
          .values(
            item.authorities.map((authority, i) => ({ ...authority, actionId, position: i + 1 })),
          )
      }
      await tx.insert(letterTemplates).values({ actionId, language: 'en', ...item.letter })
      if (item.updates.length > 0 && reference) {
        await tx.insert(actionUpdates).values(
          item.updates.map((update, i) => ({
            actionId,
            sequence: i + 1,
            title: update.title,
            body: update.body,
            outcome: update.outcome ?? null,
            publishedAt: new Date(reference.launchedAt.getTime() + update.daysAfterLaunch * DAY_MS),
          })),
        )
      }
      if (item.confirmedSignatures > 0 && reference) {
        const signers = demoSupporters.slice(0, item.confirmedSignatures)
        const span = Math.max(now.getTime() - reference.launchedAt.getTime(), DAY_MS)
        await tx.insert(signatures).values(
          signers.map((supporter, i) => {
            const at = new Date(reference.launchedAt.getTime() + (span * i) / signers.length)
            return {
              actionId,
              supporterId: supporter.id,
              status: 'confirmed' as const,
              country: supporter.country!,
              consentAt: at,
              confirmedAt: at,
              createdAt: at,
            }
          }),
        )
        await addConfirmedSignatures(tx, actionId, signers.length)
      }
    }
    return true
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { initEnv, loadDotEnv, parseEnvKeys } = await import('#app/utils/env.server.ts')
  loadDotEnv()
  const { DATABASE_URL } = initEnv(() => parseEnvKeys(process.env, ['DATABASE_URL']))
  const db = createDb(DATABASE_URL, { max: 1, applicationName: 'vigil-seed' })
  try {
    const seeded = await seedDatabase(db)
    console.log(
      seeded ? 'Demo content seeded.' : 'The database already has actions; nothing seeded.',
    )
  } finally {
    await closeDb(db)
  }
}
