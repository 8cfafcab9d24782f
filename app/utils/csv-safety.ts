// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return that hides one)
// as a formula, so a supporter's name or message could run code on the computer of whoever opens
// an export. A leading apostrophe makes the spreadsheet show the text as it is. Client-safe.

/**
 * The characters that make a spreadsheet read a cell as a formula when it starts with one; "-"
 * last, so that in a regular expression's bracket it stands for itself.
 */
const FORMULA_START_CHARACTERS = ['=', '+', '@', '\t', '\r', '-']

/**
 * The rule in SQL, for the export PostgreSQL writes itself (COPY): the text of `expression` with
 * an apostrophe before a leading formula character, NULL kept NULL. `expression` must be SQL from
 * the code, never from input; it is evaluated once.
 */
export function neutralisedCsvCellSql(expression: string) {
  return `regexp_replace(${expression}, '^([${FORMULA_START_CHARACTERS.join('')}])', '''\\1')`
}
