import { randomBytes } from 'node:crypto'
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

// What React writes for these characters in an attribute or text, so a link filled in afterwards
// reads exactly as if it had been rendered.
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
}
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!)

/**
 * Renders a message that many recipients get alike (an update to every follower) once per
 * template, parameters and locale, and fills in each recipient's unsubscribe link: React and
 * html-to-text cost more than anything else a fan-out does per message. The link is rendered as a
 * placeholder no content can hold (a random nonce of this process) and of the link's own length,
 * so the plain text wraps exactly as it would around the real link. The least recently used
 * renderings go beyond `maxEntries`.
 */
export function createRenderCache({ maxEntries = 20 }: { maxEntries?: number } = {}) {
  const entries = new Map<string, RenderedEmail>()
  const nonce = `vigil${randomBytes(16).toString('hex')}`
  return {
    get size() {
      return entries.size
    },
    render(
      name: string,
      rawParams: unknown,
      { locale: localeTag, unsubscribeUrl }: { locale?: string; unsubscribeUrl?: string } = {},
    ): RenderedEmail {
      // Without a link of its own (or with one too short to stand for) a message is rendered whole.
      if (!unsubscribeUrl || unsubscribeUrl.length < nonce.length || /\s/.test(unsubscribeUrl))
        return renderEmail(name, rawParams, { locale: localeTag, unsubscribeUrl })
      const locale = isLocale(localeTag) ? localeTag : defaultLocale
      const placeholder = nonce.padEnd(unsubscribeUrl.length, 'x')
      const key = JSON.stringify([name, locale, placeholder.length, rawParams])
      let email = entries.get(key)
      if (email) {
        entries.delete(key)
      } else {
        email = renderEmail(name, rawParams, { locale, unsubscribeUrl: placeholder })
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      }
      entries.set(key, email)
      return {
        ...email,
        subject: email.subject.replaceAll(placeholder, unsubscribeUrl),
        html: email.html.replaceAll(placeholder, escapeHtml(unsubscribeUrl)),
        text: email.text.replaceAll(placeholder, unsubscribeUrl),
        unsubscribeUrl,
      }
    },
  }
}

export type RenderCache = ReturnType<typeof createRenderCache>
