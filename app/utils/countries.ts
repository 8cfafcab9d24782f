// ISO 3166-1 alpha-2 codes and their names, from a maintained list (i18n-iso-countries). Names
// come from the package's data, not from Intl: the server's and the browser's ICU versions name
// some countries differently, and a page must hydrate to exactly what the server rendered.
import countries from 'i18n-iso-countries'
import enNames from 'i18n-iso-countries/langs/en.json'

countries.registerLocale(enNames)
const registered = new Set(['en'])

export const countryCodes: readonly string[] = Object.keys(countries.getAlpha2Codes()).sort()
const known = new Set(countryCodes)

export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && known.has(value)
}

export function countryName(locale: string, code: string) {
  const language = registered.has(locale) ? locale : 'en'
  return countries.getName(code, language) ?? code
}

/** Every country, sorted by its name in the given language, for a select. */
export function countryOptions(locale: string): readonly { code: string; name: string }[] {
  // Sorting some 250 names costs more than the rest of the form: once per locale.
  let options = optionsByLocale.get(locale)
  if (!options) {
    const collator = new Intl.Collator(locale)
    options = countryCodes
      .map((code) => ({ code, name: countryName(locale, code) }))
      .sort((a, b) => collator.compare(a.name, b.name))
    optionsByLocale.set(locale, options)
  }
  return options
}
const optionsByLocale = new Map<string, readonly { code: string; name: string }[]>()
