// The model letter of an action, as the console edits it: placeholders are checked on save (a typo
// would otherwise reach an official as "{{supporter.frstName}}"), a preview is filled for a sample
// supporter, and "send me a test" puts that preview in the staff member's own inbox.
import crypto from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Database, DbOrTx } from '#db/client.ts'
import { authorities, letterTemplates } from '#db/schema.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'
import type { LetterTemplateInput } from '#app/schemas/action-forms.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { createTranslator, defaultLocale } from '#app/utils/i18n.ts'
import { fillLetter, unknownPlaceholders } from '#app/utils/letter-template.ts'
import {
  changedFields,
  editVersion,
  getActionForConsole,
  lockAction,
  type StaffActor,
} from './action-admin.server.ts'

/** The action's letter in its own language (the first one written, if it has others). */
export async function getLetterTemplate(db: DbOrTx, actionId: string) {
  const [template] = await db
    .select({
      id: letterTemplates.id,
      language: letterTemplates.language,
      subject: letterTemplates.subject,
      body: letterTemplates.body,
    })
    .from(letterTemplates)
    .where(eq(letterTemplates.actionId, actionId))
    .orderBy(
      sql`${letterTemplates.language} = (select language from actions where id = ${actionId}) desc`,
      asc(letterTemplates.createdAt),
    )
    .limit(1)
  return template ?? null
}

/** The placeholders a template uses that nobody can fill, subject and body together. */
export function letterTemplateProblems(input: LetterTemplateInput) {
  return [...new Set([...unknownPlaceholders(input.subject), ...unknownPlaceholders(input.body)])]
}

/** The error beside each field that uses a placeholder nobody can fill: subject, body or both. */
export function unknownPlaceholderErrors(input: LetterTemplateInput) {
  const errors: Partial<Record<'subject' | 'body', string[]>> = {}
  if (unknownPlaceholders(input.subject).length > 0)
    errors.subject = ['console.error.letterSubject.unknownPlaceholders']
  if (unknownPlaceholders(input.body).length > 0)
    errors.body = ['console.error.letterBody.unknownPlaceholders']
  return errors
}

export type SaveLetterResult =
  | { status: 'saved' }
  | { status: 'unknown-placeholders'; placeholders: string[] }
  | { status: 'not-found' | 'closed' }
  | { status: 'stale'; version: string }

/** The letter as an editor opened it (none yet, or its subject and body): see detailsVersion. */
export function letterVersion(template: { subject: string; body: string } | null) {
  return editVersion(template ? [template.subject, template.body] : [])
}

/**
 * Saves the letter; refuses one with unknown placeholders, listing them, and one written on a
 * page opened before another editor saved the letter (`version`, from letterVersion).
 */
export async function saveLetterTemplate(
  db: Database,
  {
    actionId,
    input,
    version,
    actor,
  }: { actionId: string; input: LetterTemplateInput; version?: string; actor: StaffActor },
): Promise<SaveLetterResult> {
  const placeholders = letterTemplateProblems(input)
  if (placeholders.length > 0) return { status: 'unknown-placeholders', placeholders }
  return db.transaction(async (tx) => {
    const action = await lockAction(tx, actionId)
    if (!action) return { status: 'not-found' as const }
    if (action.status === 'closed') return { status: 'closed' as const }
    const [current] = await tx
      .select()
      .from(letterTemplates)
      .where(
        and(eq(letterTemplates.actionId, actionId), eq(letterTemplates.language, action.language)),
      )
    // The letter the editor was shown (getLetterTemplate), which may be in another language.
    const currentVersion = letterVersion(await getLetterTemplate(tx, actionId))
    if (version !== undefined && version !== currentVersion)
      return { status: 'stale' as const, version: currentVersion }
    const next = { subject: input.subject, body: input.body }
    if (current) {
      const diff = changedFields(current, next)
      if (Object.keys(diff.after).length === 0) return { status: 'saved' as const }
      await tx
        .update(letterTemplates)
        .set({ ...next, updatedAt: sql`now()` })
        .where(eq(letterTemplates.id, current.id))
      if (action.status !== 'draft') {
        await writeAudit(tx, {
          staffUserId: actor.staffUserId,
          event: 'letter.updated',
          entityType: 'action',
          entityId: actionId,
          before: diff.before,
          after: diff.after,
          ip: actor.ip,
        })
      }
    } else {
      await tx.insert(letterTemplates).values({ actionId, language: action.language, ...next })
      if (action.status !== 'draft') {
        await writeAudit(tx, {
          staffUserId: actor.staffUserId,
          event: 'letter.created',
          entityType: 'action',
          entityId: actionId,
          after: next,
          ip: actor.ip,
        })
      }
    }
    return { status: 'saved' as const }
  })
}

export type LetterPreview = { subject: string; body: string; authorityName: string | null }

/**
 * The letter as one supporter's copy would read, for a sample supporter and the first official
 * written to. Plain text: it is shown and emailed as text, never as HTML.
 */
export async function previewLetter(
  db: DbOrTx,
  actionId: string,
  template: LetterTemplateInput,
): Promise<LetterPreview | null> {
  const action = await getActionForConsole(db, actionId)
  if (!action) return null
  const [authority] = await db
    .select({
      name: authorities.name,
      title: authorities.title,
      salutation: authorities.salutation,
    })
    .from(authorities)
    .where(eq(authorities.actionId, actionId))
    .orderBy(sql`${authorities.role} = 'target' desc`, asc(authorities.position))
    .limit(1)
  const t = createTranslator(defaultLocale)
  const firstName = t('console.letter.sample.firstName')
  const lastName = t('console.letter.sample.lastName')
  const values = {
    'supporter.firstName': firstName,
    'supporter.lastName': lastName,
    'supporter.fullName': `${firstName} ${lastName}`,
    'supporter.country': t('console.letter.sample.country'),
    'supporter.message': t('console.letter.sample.message'),
    'authority.name': authority?.name ?? t('console.letter.sample.authorityName'),
    'authority.title': authority?.title ?? t('console.letter.sample.authorityTitle'),
    'authority.salutation': authority?.salutation ?? t('console.letter.sample.salutation'),
    'action.reference': action.reference ?? t('console.letter.sample.reference'),
    'action.atRiskName': action.atRiskName,
  }
  return {
    subject: fillLetter(template.subject, values),
    body: fillLetter(template.body, values),
    authorityName: authority?.name ?? null,
  }
}

export type TestLetterResult = { status: 'queued' | 'no-template' | 'not-found' }

/**
 * Emails the saved letter, filled for the sample supporter, to the staff member asking. Pressing
 * the button twice within a minute for the same text sends one email.
 */
export async function sendTestLetter(
  db: Database,
  { actionId, staff }: { actionId: string; staff: { id: string; email: string } },
): Promise<TestLetterResult> {
  const action = await getActionForConsole(db, actionId)
  if (!action) return { status: 'not-found' }
  const template = await getLetterTemplate(db, actionId)
  if (!template) return { status: 'no-template' }
  const preview = await previewLetter(db, actionId, template)
  if (!preview) return { status: 'not-found' }
  const fingerprint = crypto
    .createHash('sha256')
    .update(`${template.subject}\u0000${template.body}`)
    .digest('base64url')
    .slice(0, 16)
  await writeOutboxMessage(db, {
    idempotencyKey: `letter-test:${actionId}:${staff.id}:${fingerprint}:${Math.floor(Date.now() / 60_000)}`,
    template: 'letter-test',
    to: staff.email,
    actionId,
    params: {
      actionTitle: action.title,
      reference: action.reference ?? null,
      authorityName: preview.authorityName,
      subject: preview.subject,
      letter: preview.body,
    },
  })
  return { status: 'queued' }
}
