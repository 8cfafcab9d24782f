// Letter templates: the placeholders a campaign manager may use, checking a template for unknown
// ones, and filling it for one supporter and one authority. Client-safe (used for previews).

export const LETTER_PLACEHOLDERS = [
  'supporter.firstName',
  'supporter.lastName',
  'supporter.fullName',
  'supporter.country',
  'supporter.message',
  'authority.name',
  'authority.title',
  'authority.salutation',
  'action.reference',
  'action.atRiskName',
] as const
export type LetterPlaceholder = (typeof LETTER_PLACEHOLDERS)[number]
export type LetterValues = Record<LetterPlaceholder, string>

/**
 * How long a filled letter can be: every placeholder (more than 4 characters, `{{x}}` at least)
 * replaced by the longest value one can hold (a 1,000-character message), in a template at the
 * console's limits (a 300-character subject, a 20,000-character body). The emails carrying a
 * letter accept this much, so no filled letter staff could write fails to be sent.
 */
export const FILLED_SUBJECT_MAX = (300 / 4) * 1000
export const FILLED_LETTER_MAX = (20_000 / 4) * 1000

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g
const known = new Set<string>(LETTER_PLACEHOLDERS)

/** Placeholders in a template that we do not know how to fill (typos, invented names). */
export function unknownPlaceholders(template: string) {
  const unknown = new Set<string>()
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!known.has(match[1]!)) unknown.add(match[0])
  }
  return [...unknown]
}

/**
 * Fills a template. The result is plain text: whatever a supporter typed stays text wherever it
 * is shown or sent. An empty personal message leaves no blank paragraph behind.
 */
export function fillLetter(template: string, values: LetterValues) {
  return template
    .replace(PLACEHOLDER, (whole, name: string) =>
      known.has(name) ? values[name as LetterPlaceholder] : whole,
    )
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
