// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return that hides one)
// as a formula, so a supporter's name or message could run code on the computer of whoever opens
// an export. A leading apostrophe makes the spreadsheet show the text as it is. Client-safe.

const FORMULA_START = /^[=+\-@\t\r]/

/** The text of one exported cell, made inert for spreadsheets. */
export function neutraliseCsvCell(value: string) {
  return FORMULA_START.test(value) ? `'${value}` : value
}
