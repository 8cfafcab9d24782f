// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return that hides one)
// as a formula, so a supporter's name or message could run code on the computer of whoever opens
// an export. A leading apostrophe makes the spreadsheet show the text as it is. Client-safe.

/** The characters that make a spreadsheet read a cell as a formula when it starts with one. */
export const FORMULA_START_CHARACTERS = ['=', '+', '-', '@', '\t', '\r'] as const

/** The text of one exported cell, made inert for spreadsheets. */
export function neutraliseCsvCell(value: string) {
  return (FORMULA_START_CHARACTERS as readonly string[]).includes(value.charAt(0))
    ? `'${value}`
    : value
}

/**
 * The same rule in SQL, for an export PostgreSQL writes itself (COPY): the text of `expression`
 * with an apostrophe before a leading formula character. `expression` must be SQL from the code,
 * never from input.
 */
export function neutralisedCsvCellSql(expression: string) {
  const starts = FORMULA_START_CHARACTERS.map((c) => `chr(${c.codePointAt(0)})`).join(', ')
  return `case when left(${expression}, 1) in (${starts}) then '''' || ${expression} else ${expression} end`
}
