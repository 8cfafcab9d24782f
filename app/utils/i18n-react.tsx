import { createContext, useContext, useMemo, type ReactNode } from 'react'
import { createTranslator, defaultLocale, type Locale, type Translate } from './i18n.ts'

const I18nContext = createContext<{ locale: Locale; t: Translate }>({
  locale: defaultLocale,
  t: createTranslator(defaultLocale),
})

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => ({ locale, t: createTranslator(locale) }), [locale])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

/** The current page's translator and locale. */
export function useTranslation() {
  return useContext(I18nContext)
}
