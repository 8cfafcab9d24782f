import { describe, expect, test } from 'vitest'
import { en } from '#app/locales/en.ts'
import { catalogues, createTranslator, negotiateLocale } from '#app/utils/i18n.ts'

describe('translation layer', () => {
  const t = createTranslator('en')

  test('fills placeholders and formats numbers for the locale', () => {
    expect(t('action.reference', { reference: 'UA 014/26' })).toBe('Reference UA 014/26')
    expect(t('action.signatures', { count: 12345, goal: 20000 })).toBe(
      '12,345 signatures of 20,000',
    )
  })

  test('chooses the plural form from the count', () => {
    expect(t('action.signatures', { count: 1, goal: 100 })).toBe('1 signature of 100')
    expect(t('action.signatures', { count: 0, goal: 100 })).toBe('0 signatures of 100')
  })

  test('falls back to English for an unsupported Accept-Language', () => {
    expect(negotiateLocale('sw-KE, fr;q=0.8')).toBe('en')
    expect(negotiateLocale('en-GB,en;q=0.9')).toBe('en')
    expect(negotiateLocale(null)).toBe('en')
  })

  test('every catalogue has every English key', () => {
    for (const catalogue of Object.values(catalogues)) {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort())
    }
  })
})
