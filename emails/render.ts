import { compile } from 'html-to-text'
import { renderToStaticMarkup } from 'react-dom/server'
import { createTranslator, defaultLocale, isLocale } from '#app/utils/i18n.ts'
import { emailTemplates } from './templates/index.ts'

export type RenderedEmail = {
  subject: string
  html: string
  text: string
  transactional: boolean
  unsubscribeUrl?: string
}

// Compiled once: `convert` builds its selector tree again on every call, a tenth of a fan-out's CPU.
const htmlToText = compile({
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'title', format: 'skip' },
  ],
})

export class UnknownTemplateError extends Error {}

export function getEmailTemplate(name: string) {
  const template = emailTemplates[name]
  if (!template) throw new UnknownTemplateError(`Unknown email template "${name}"`)
  return template
}

/** Renders a template to HTML and plain text from the same React body. */
export function renderEmail(
  name: string,
  rawParams: unknown,
  { locale: localeTag, unsubscribeUrl }: { locale?: string; unsubscribeUrl?: string } = {},
): RenderedEmail {
  const template = getEmailTemplate(name)
  const params = template.params.parse(rawParams)
  const locale = isLocale(localeTag) ? localeTag : defaultLocale
  const t = createTranslator(locale)
  const ctx = { params, t, locale, unsubscribeUrl }
  const subject = template.subject(ctx)
  const html = `<!doctype html>${renderToStaticMarkup(template.body({ ...ctx, subject }))}`
  const text = htmlToText(html)
  return {
    subject,
    html,
    text,
    transactional: template.transactional,
    unsubscribeUrl,
  }
}
