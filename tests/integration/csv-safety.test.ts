// The rule that keeps an exported cell from running as a spreadsheet formula is SQL (PostgreSQL
// writes the CSV), so it is checked against PostgreSQL.
import postgres from 'postgres'
import { afterAll, describe, expect, test } from 'vitest'
import { neutralisedCsvCellSql } from '#app/utils/csv-safety.ts'
import { ADMIN_DATABASE_URL } from '#tests/support/database.ts'

const sql = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
afterAll(() => sql.end({ timeout: 5 }))

async function neutralised(value: string | null) {
  const [row] = await sql.unsafe<{ cell: string | null }[]>(
    `select ${neutralisedCsvCellSql('$1::text')} as cell`,
    [value],
  )
  return row!.cell
}

describe('an exported cell', () => {
  test.each(['=SUM(A1:A9)', '+44 20 7946 0000', '-2+3', '@import', '\tTab first', '\rCR first'])(
    'starting with a formula character gets a leading apostrophe: %j',
    async (value) => {
      expect(await neutralised(value)).toBe(`'${value}`)
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
    '\n=after a line break',
    'Ñ=1',
    '＝1 (a full-width equals sign)',
    '😀=1',
  ])('anything else is left as it is: %j', async (value) => {
    expect(await neutralised(value)).toBe(value)
  })

  test('an empty cell stays empty', async () => {
    expect(await neutralised(null)).toBeNull()
  })

  test('a cell is neutralised once, not once per export', async () => {
    expect(await neutralised(await neutralised('=1'))).toBe("'=1")
  })
})
