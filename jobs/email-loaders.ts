// Some outbox rows carry only an id (a letter, a digest, an update): what the email says is read
// from the database when it is sent. That keeps a 100,000-follower fan-out to 100,000 small rows,
// and means an erased supporter's letter is never sent with their name.
import { stringify } from 'csv-stringify/sync'
import { and, asc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import { countryName } from '#app/utils/countries.ts'
import { fillLetter } from '#app/utils/letter-template.ts'
import { renderMarkdown } from '#app/utils/markdown.server.ts'
import type { Database } from '#db/client.ts'
import {
  actions,
  actionUpdates,
  authorities,
  letterDigests,
  letters,
  letterTemplates,
  signatures,
  supporters,
} from '#db/schema.ts'

export type LoadedEmail =
  | {
      params: Record<string, unknown>
      // Shown as the sender's name, on the platform's own address.
      fromName?: string
      replyTo?: string
      attachments?: { filename: string; content: string; contentType: string }[]
    }
  | { cancel: string }

type Loader<S extends z.ZodType> = {
  payload: S
  // Every recipient gets the same parameters (only the unsubscribe link differs), so the
  // rendered email can be shared between them.
  shared?: boolean
  load: (db: Database, payload: z.output<S>, appUrl: string) => Promise<LoadedEmail>
}

const define = <S extends z.ZodType>(loader: Loader<S>) => loader

/** Fills a letter template for one supporter and one authority. */
export function letterFor(
  template: { subject: string; body: string },
  supporter: { firstName: string; lastName: string; country: string; message: string | null },
  authority: { name: string; title: string; salutation: string },
  action: { reference: string | null; atRiskName: string },
) {
  const values = {
    'supporter.firstName': supporter.firstName,
    'supporter.lastName': supporter.lastName,
    'supporter.fullName': `${supporter.firstName} ${supporter.lastName}`,
    'supporter.country': countryName('en', supporter.country),
    'supporter.message': supporter.message ?? '',
    'authority.name': authority.name,
    'authority.title': authority.title,
    'authority.salutation': authority.salutation,
    'action.reference': action.reference ?? '',
    'action.atRiskName': action.atRiskName,
  }
  return {
    subject: fillLetter(template.subject, values),
    letter: fillLetter(template.body, values),
  }
}

/** The letter in an authority's language, or the first written when there is none in it. */
export async function loadLetterTemplate(db: Database, actionId: string, language: string) {
  const rows = await db
    .select({
      language: letterTemplates.language,
      subject: letterTemplates.subject,
      body: letterTemplates.body,
    })
    .from(letterTemplates)
    .where(eq(letterTemplates.actionId, actionId))
    .orderBy(asc(letterTemplates.createdAt))
  return rows.find((row) => row.language === language) ?? rows[0]
}

// The name a letter is signed with: the one confirmed with its signature (a supporter may sign
// another case under another name later); signatures from before it was kept there have none.
const signedFirstName = sql<
  string | null
>`coalesce(${signatures.firstName}, ${supporters.firstName})`
const signedLastName = sql<string | null>`coalesce(${signatures.lastName}, ${supporters.lastName})`

const authorityLetter = define({
  payload: z.object({ letterId: z.uuid() }),
  async load(db, { letterId }) {
    const [row] = await db
      .select({
        supporterErased: supporters.erasedAt,
        firstName: signedFirstName,
        lastName: signedLastName,
        supporterEmail: supporters.email,
        country: signatures.country,
        message: signatures.personalMessage,
        signatureStatus: signatures.status,
        authorityName: authorities.name,
        authorityTitle: authorities.title,
        salutation: authorities.salutation,
        language: authorities.language,
        actionId: actions.id,
        reference: actions.reference,
        atRiskName: actions.atRiskName,
      })
      .from(letters)
      .innerJoin(signatures, eq(signatures.id, letters.signatureId))
      .innerJoin(supporters, eq(supporters.id, signatures.supporterId))
      .innerJoin(authorities, eq(authorities.id, letters.authorityId))
      .innerJoin(actions, eq(actions.id, authorities.actionId))
      .where(eq(letters.id, letterId))
    if (!row) return { cancel: 'letter no longer exists' }
    if (row.supporterErased || !row.firstName || !row.lastName)
      return { cancel: 'supporter erased' }
    if (row.signatureStatus !== 'confirmed') return { cancel: 'signature no longer confirmed' }
    const template = await loadLetterTemplate(db, row.actionId, row.language)
    if (!template) return { cancel: 'action has no letter template' }
    const supporterName = `${row.firstName} ${row.lastName}`
    const filled = letterFor(
      template,
      {
        firstName: row.firstName,
        lastName: row.lastName,
        country: row.country,
        message: row.message,
      },
      { name: row.authorityName, title: row.authorityTitle, salutation: row.salutation },
      row,
    )
    return {
      params: { ...filled, supporterName, reference: row.reference ?? '', language: row.language },
      fromName: supporterName,
      replyTo: row.supporterEmail ?? undefined,
    }
  },
})

const CSV_FORMULA = /^[=+\-@\t\r]/
const safeCell = (value: string) => (CSV_FORMULA.test(value) ? `'${value}` : value)

const letterDigest = define({
  payload: z.object({ digestId: z.uuid() }),
  async load(db, { digestId }) {
    const [digest] = await db
      .select({
        periodStart: letterDigests.periodStart,
        periodEnd: letterDigests.periodEnd,
        authorityId: letterDigests.authorityId,
        authorityName: authorities.name,
        authorityTitle: authorities.title,
        salutation: authorities.salutation,
        language: authorities.language,
        actionId: actions.id,
        reference: actions.reference,
        title: actions.title,
        atRiskName: actions.atRiskName,
        demands: actions.demands,
      })
      .from(letterDigests)
      .innerJoin(authorities, eq(authorities.id, letterDigests.authorityId))
      .innerJoin(actions, eq(actions.id, letterDigests.actionId))
      .where(eq(letterDigests.id, digestId))
    if (!digest) return { cancel: 'digest no longer exists' }
    const template = await loadLetterTemplate(db, digest.actionId, digest.language)
    if (!template) return { cancel: 'action has no letter template' }
    const rows = await db
      .select({
        firstName: signedFirstName,
        lastName: signedLastName,
        erasedAt: supporters.erasedAt,
        country: signatures.country,
        message: signatures.personalMessage,
        confirmedAt: signatures.confirmedAt,
      })
      .from(letters)
      .innerJoin(signatures, eq(signatures.id, letters.signatureId))
      .innerJoin(supporters, eq(supporters.id, signatures.supporterId))
      .where(and(eq(letters.digestId, digestId), eq(signatures.status, 'confirmed')))
      .orderBy(asc(signatures.confirmedAt))
    const people = rows.filter((row) => !row.erasedAt && row.firstName && row.lastName)
    if (people.length === 0) return { cancel: 'no letters left in digest' }
    const records = people.map((person) => {
      const { letter } = letterFor(
        template,
        {
          firstName: person.firstName!,
          lastName: person.lastName!,
          country: person.country,
          message: person.message,
        },
        { name: digest.authorityName, title: digest.authorityTitle, salutation: digest.salutation },
        digest,
      )
      return [
        safeCell(person.firstName!),
        safeCell(person.lastName!),
        countryName('en', person.country),
        person.confirmedAt?.toISOString() ?? '',
        safeCell(letter),
      ]
    })
    const csv = stringify([
      ['first_name', 'last_name', 'country', 'signed_at', 'letter'],
      ...records,
    ])
    const day = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
    return {
      params: {
        count: people.length,
        reference: digest.reference ?? '',
        actionTitle: digest.title,
        atRiskName: digest.atRiskName,
        salutation: digest.salutation,
        from: day(digest.periodStart),
        to: day(digest.periodEnd),
        demands: digest.demands,
      },
      attachments: [
        {
          filename: `${(digest.reference ?? 'letters').replace(/[^\w-]+/g, '-')}-letters.csv`,
          content: csv,
          contentType: 'text/csv; charset=utf-8',
        },
      ],
    }
  },
})

// A fan-out sends the same update to every follower: render its Markdown once per process.
const updateCache = new Map<string, { at: number; params: Record<string, unknown> }>()

const actionUpdate = define({
  payload: z.object({ updateId: z.uuid() }),
  shared: true,
  async load(db, { updateId }, appUrl) {
    const cached = updateCache.get(updateId)
    if (cached && Date.now() - cached.at < 60_000) return { params: cached.params }
    const [row] = await db
      .select({
        sequence: actionUpdates.sequence,
        title: actionUpdates.title,
        body: actionUpdates.body,
        publishedAt: actionUpdates.publishedAt,
        reference: actions.reference,
        atRiskName: actions.atRiskName,
        slug: actions.slug,
      })
      .from(actionUpdates)
      .innerJoin(actions, eq(actions.id, actionUpdates.actionId))
      .where(eq(actionUpdates.id, updateId))
    if (!row?.publishedAt) return { cancel: 'update not published' }
    const params = {
      reference: row.reference ?? '',
      sequence: row.sequence,
      title: row.title,
      atRiskName: row.atRiskName,
      bodyHtml: renderMarkdown(row.body),
      actionUrl: `${appUrl}/actions/${row.slug}`,
    }
    updateCache.set(updateId, { at: Date.now(), params })
    if (updateCache.size > 100) updateCache.delete(updateCache.keys().next().value!)
    return { params }
  },
})

/** Templates whose outbox payload is an id to load at send time, by template name. */
export const emailLoaders: Record<string, Loader<z.ZodType>> = {
  'authority-letter': authorityLetter as Loader<z.ZodType>,
  'letter-digest': letterDigest as Loader<z.ZodType>,
  'action-update': actionUpdate as Loader<z.ZodType>,
}
