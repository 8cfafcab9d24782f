// Test data with sensible defaults; each test says only what matters to it.
import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Database } from '#db/client.ts'
import {
  actions,
  authorities,
  letterTemplates,
  signatures,
  supporters,
  type NewAction,
} from '#db/schema.ts'

let sequence = 0
const unique = () =>
  `${Date.now().toString(36)}${(sequence++).toString(36)}${crypto.randomBytes(2).toString('hex')}`

export async function createAction(db: Database, overrides: Partial<NewAction> = {}) {
  const id = unique()
  const number = 100 + (sequence % 800)
  const [action] = await db
    .insert(actions)
    .values({
      slug: `test-action-${id}`,
      title: 'Trade unionist held incommunicado',
      summary: 'A fictional case for tests.',
      atRiskKind: 'person',
      atRiskName: 'Imani Testperson',
      country: 'KE',
      themes: ['arbitrary_detention'],
      demands: ['Release Imani Testperson immediately and unconditionally'],
      status: 'active',
      reference: `UA ${number}/26`,
      referenceYear: 2026,
      referenceNumber: number,
      launchedAt: new Date(),
      deadline: '2030-01-31',
      ...overrides,
    })
    .returning()
  await db.insert(authorities).values({
    actionId: action!.id,
    position: 1,
    name: 'Amos Fictional',
    title: 'Minister of Justice',
    salutation: 'Dear Minister',
    email: `minister-${id}@justice.example`,
  })
  await db.insert(letterTemplates).values({
    actionId: action!.id,
    subject: 'Release Imani Testperson',
    body: '{{authority.salutation}},\n\nPlease release Imani Testperson.\n\n{{supporter.firstName}} {{supporter.lastName}}',
  })
  return action!
}

export async function createSupporter(
  db: Database,
  overrides: Partial<typeof supporters.$inferInsert> = {},
) {
  const email = `supporter-${unique()}@example.org`
  const [supporter] = await db
    .insert(supporters)
    .values({
      email,
      emailCanonical: email,
      firstName: 'Ana',
      lastName: 'Ruiz',
      country: 'ES',
      ...overrides,
    })
    .returning()
  return supporter!
}

/** A confirmed signature on an action, by a new supporter unless `supporterId` says whose. */
export async function createConfirmedSignature(
  db: Database,
  actionId: string,
  overrides: Partial<typeof signatures.$inferInsert> = {},
) {
  const supporterId = overrides.supporterId ?? (await createSupporter(db)).id
  const [signature] = await db
    .insert(signatures)
    .values({
      actionId,
      supporterId,
      country: 'ES',
      consentAt: new Date(),
      status: 'confirmed',
      confirmedAt: new Date(),
      ...overrides,
    })
    .returning()
  return signature!
}

/** n active followers of an action, made in one statement (thousands of them); their addresses. */
export async function createFollowers(db: Database, actionId: string, n: number, label: string) {
  await db.execute(sql`
    with made as (
      insert into supporters (email, email_canonical, first_name, last_name, country)
      select ${label} || '-' || g || '@followers.example', ${label} || '-' || g || '@followers.example',
             'Follower', 'Number ' || g, 'DE'
      from generate_series(1, ${n}) g
      returning id
    )
    insert into follows (supporter_id, action_id, status, confirmed_at)
    select id, ${actionId}, 'active', now() from made`)
  return Array.from({ length: n }, (_, i) => `${label}-${i + 1}@followers.example`)
}
