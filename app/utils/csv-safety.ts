// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return that hides one)
// as a formula, so a supporter's name or message could run code on the computer of whoever opens
// an export. A leading apostrophe makes the spreadsheet show the text as it is. Client-safe.

/** The characters that make a spreadsheet read a cell as a formula when it starts with one. */
export const FORMULA_START_CHARACTERS = ['=', '+', '-', '@', '\t', '\r'] as const

/**
 * The rule in SQL, for the export PostgreSQL writes itself (COPY): the text of `expression` with
 * an apostrophe before a leading formula character, NULL kept NULL. `expression` must be SQL from
 * the code, never from input; it is evaluated once.
 */
export function neutralisedCsvCellSql(expression: string) {
  // A bracket expression of the characters themselves, "-" last so that it means itself.
  const characters = [...FORMULA_START_CHARACTERS].sort((a, b) =>
    a === '-' ? 1 : b === '-' ? -1 : 0,
  )
  return `regexp_replace(${expression}, '^([${characters.join('')}])', '''\\1')`
}
