import type { ReactElement } from 'react'
import type { z } from 'zod'
import type { Locale, Translate } from '#app/utils/i18n.ts'

export type EmailContext<P> = {
  params: P
  t: Translate
  locale: Locale
  // Where this recipient can stop receiving mail; set for every message to a supporter.
  unsubscribeUrl?: string
}

/**
 * One email template: its parameters (validated when a message is written to the outbox and again
 * when it is sent), its subject, and one React body from which both the HTML and the plain-text
 * parts are made.
 */
export type EmailDefinition<S extends z.ZodType = z.ZodType> = {
  name: string
  // Transactional mail (a confirmation someone just asked for) is sent even after an unsubscribe.
  transactional: boolean
  params: S
  subject: (ctx: EmailContext<z.output<S>>) => string
  body: (ctx: EmailContext<z.output<S>> & { subject: string }) => ReactElement
}

export function defineEmail<S extends z.ZodType>(definition: EmailDefinition<S>) {
  return definition
}
