import { describe, expect, test } from 'vitest'
import { neutraliseCsvCell } from '#app/utils/csv-safety.ts'

describe('neutraliseCsvCell', () => {
  test.each(['=SUM(A1:A9)', '+44 20 7946 0000', '-2+3', '@import', '\tTab first', '\rCR first'])(
    'a cell starting with a formula character gets a leading apostrophe: %j',
    (value) => {
      expect(neutraliseCsvCell(value)).toBe(`'${value}`)
    },
  )

  test.each([
    'Ana',
    'Zoë Ñandú',
    '',
    ' =not first',
    'a=b',
    "'already quoted",
    '1+1',
    'ana@example.org',
  ])('anything else is left as it is: %j', (value) => {
    expect(neutraliseCsvCell(value)).toBe(value)
  })

  test('a cell is neutralised once, not once per call', () => {
    expect(neutraliseCsvCell(neutraliseCsvCell('=1'))).toBe("'=1")
  })
})
