// ISO 3166-1 alpha-2 codes (from a maintained list) with names in the reader's language.
import countries from 'i18n-iso-countries'

export const countryCodes: readonly string[] = Object.keys(countries.getAlpha2Codes()).sort()
const known = new Set(countryCodes)

export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && known.has(value)
}

export function countryName(locale: string, code: string) {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code
  } catch {
    return code
  }
}

/** Every country, sorted by its name in the given language, for a select. */
export function countryOptions(locale: string) {
  const collator = new Intl.Collator(locale)
  return countryCodes
    .map((code) => ({ code, name: countryName(locale, code) }))
    .sort((a, b) => collator.compare(a.name, b.name))
}
