// The translation layer: every user-facing string is looked up here by key, so adding a language
// is adding a catalogue, not rewriting pages. Client-safe: used by routes, components and emails.
import { en, type Catalogue, type MessageKey } from '#app/locales/en.ts'

export const catalogues = { en } satisfies Record<string, Catalogue>
export type Locale = keyof typeof catalogues
export const defaultLocale: Locale = 'en'
export const supportedLocales = Object.keys(catalogues) as Locale[]

type PluralBase<K> = K extends `${infer Base}_${Intl.LDMLPluralRule}` ? Base : never
/** A key as written in code: plural forms are asked for by their base name with a `count`. */
export type TranslationKey =
  Exclude<MessageKey, `${string}_${Intl.LDMLPluralRule}`> | PluralBase<MessageKey>
export type TranslationParams = Record<string, string | number>
export type Translate = (key: TranslationKey, params?: TranslationParams) => string

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && value in catalogues
}

/** Picks the best supported language from an Accept-Language header. */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return defaultLocale
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';')
      const q = rest.find((p) => p.trim().startsWith('q='))
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 }
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const { tag } of ranked) {
    const base = tag.split('-')[0]
    if (isLocale(tag)) return tag
    if (isLocale(base)) return base
  }
  return defaultLocale
}

// Building Intl formatters is costly (a page renders dozens of dates and strings): one per locale.
const translators = new Map<Locale, Translate>()
const dateFormats = new Map<Locale, Intl.DateTimeFormat>()

export function createTranslator(locale: Locale): Translate {
  let translate = translators.get(locale)
  if (!translate) translators.set(locale, (translate = buildTranslator(locale)))
  return translate
}

function buildTranslator(locale: Locale): Translate {
  const catalogue: Record<string, string> = catalogues[locale]
  const fallback: Record<string, string> = catalogues[defaultLocale]
  const plurals = new Intl.PluralRules(locale)
  const numbers = new Intl.NumberFormat(locale)
  return (key, params = {}) => {
    let template: string | undefined
    if (typeof params.count === 'number') {
      const form = `${key}_${plurals.select(params.count)}`
      template = catalogue[form] ?? fallback[form] ?? catalogue[`${key}_other`]
    }
    template ??= catalogue[key] ?? fallback[key]
    if (template === undefined) {
      // A missing key is a bug, but the page must still render: show the key itself.
      return key
    }
    return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name: string) => {
      const value = params[name]
      if (value === undefined) return match
      return typeof value === 'number' ? numbers.format(value) : value
    })
  }
}

export function formatDate(locale: Locale, isoDate: string) {
  let format = dateFormats.get(locale)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })
    dateFormats.set(locale, format)
  }
  return format.format(new Date(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate))
}
