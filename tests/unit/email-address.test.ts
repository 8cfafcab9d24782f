import { describe, expect, test } from 'vitest'
import { canonicalEmail } from '#app/utils/email-address.ts'

describe('canonical email addresses', () => {
  test.each([
    ['  Ana.Ruiz@Example.ORG ', 'ana.ruiz@example.org'],
    ['Ana.Ruiz+urgent@gmail.com', 'anaruiz@gmail.com'],
    ['a.n.a@googlemail.com', 'ana@gmail.com'],
    ['ana+vigil@outlook.com', 'ana@outlook.com'],
    ['ana.ruiz@outlook.com', 'ana.ruiz@outlook.com'],
    ['ana+tag@example.org', 'ana+tag@example.org'],
  ])('%s is the same person as %s', (input, canonical) => {
    expect(canonicalEmail(input)).toBe(canonical)
  })
})
