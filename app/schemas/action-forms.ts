// What campaign staff type in the console, validated at the edge. Client-safe: the enums here
// mirror the database's (action-admin.server.ts checks they stay equal); messages are
// translation keys.
import { z } from 'zod'
import { isCountryCode } from '#app/utils/countries.ts'
import type { FieldErrors } from './supporter-forms.ts'

export const ACTION_THEMES = [
  'arbitrary_detention',
  'torture_risk',
  'enforced_disappearance',
  'judicial_harassment',
  'death_threats',
  'unfair_trial',
  'freedom_of_expression',
  'land_and_environment',
  'indigenous_rights',
  'labour_rights',
  'womens_rights',
  'lgbti_rights',
] as const
export const ACTION_OUTCOMES = [
  'released',
  'charges_dropped',
  'sentenced',
  'still_detained',
  'moved',
  'died_in_custody',
  'other',
] as const
export const AT_RISK_KINDS = ['person', 'group'] as const
export const DELIVERY_MODES = ['individual', 'digest', 'hand'] as const
export const DIGEST_PERIODS = ['hourly', 'daily'] as const
export const AUTHORITY_ROLES = ['target', 'copy'] as const

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/
export const SLUG_MAX_LENGTH = 120
export const MAX_DEMANDS = 20

// Control characters other than tab and line breaks never belong in what staff type.
const CONTROL_CHARS = /[^\P{Cc}\t\n\r]/u

const text = (field: string, { min = 0, max }: { min?: number; max: number }) => {
  const base = z.string().trim()
  return (min > 0 ? base.min(min, `console.error.${field}.required`) : base)
    .max(max, `console.error.${field}.tooLong`)
    .refine((value) => !CONTROL_CHARS.test(value), 'console.error.controlChars')
}

const wholeNumber = (field: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(1, `console.error.${field}.required`)
    .regex(/^\d+$/, `console.error.${field}.number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `console.error.${field}.range`)
        .max(max, `console.error.${field}.range`),
    )

const isoDate = z
  .string()
  .trim()
  .refine((value) => {
    if (value === '') return true
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
    const date = new Date(`${value}T00:00:00Z`)
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
  }, 'console.error.deadline.invalid')
  .transform((value) => (value === '' ? null : value))

/** "One per line", as typed into a textarea: blank lines dropped, each line trimmed. */
export function splitLines(value: string) {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

/** The case itself: who is at risk, the story, the demands, how letters are delivered. */
export const ActionDetailsSchema = z.object({
  atRiskKind: z.enum(AT_RISK_KINDS, { error: 'console.error.atRiskKind.required' }),
  atRiskName: text('atRiskName', { min: 1, max: 200 }),
  atRiskDescription: text('atRiskDescription', { max: 2000 }),
  title: text('title', { min: 1, max: 200 }),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .max(SLUG_MAX_LENGTH, 'console.error.slug.tooLong')
    .refine((value) => value === '' || SLUG_PATTERN.test(value), 'console.error.slug.format')
    .transform((value) => value || null),
  summary: text('summary', { min: 1, max: 500 }),
  country: z.string({ error: 'console.error.country.required' }).superRefine((value, ctx) => {
    if (!value) ctx.addIssue({ code: 'custom', message: 'console.error.country.required' })
    else if (!isCountryCode(value))
      ctx.addIssue({ code: 'custom', message: 'console.error.country.unknown' })
  }),
  location: text('location', { max: 200 }),
  themes: z.array(z.enum(ACTION_THEMES, { error: 'console.error.themes.unknown' })).default([]),
  story: text('story', { max: 50_000 }),
  background: text('background', { max: 50_000 }),
  demands: z
    .string()
    .default('')
    .transform(splitLines)
    .pipe(
      z
        .array(text('demand', { max: 500 }))
        .max(MAX_DEMANDS, 'console.error.demands.tooMany')
        .refine(
          (demands) => new Set(demands).size === demands.length,
          'console.error.demands.duplicate',
        ),
    ),
  deadline: isoDate,
  signatureGoal: wholeNumber('signatureGoal', 1, 100_000_000),
  deliveryMode: z.enum(DELIVERY_MODES, { error: 'console.error.deliveryMode.required' }),
  digestPeriod: z.enum(DIGEST_PERIODS, { error: 'console.error.digestPeriod.required' }),
  throttlePerHour: wholeNumber('throttlePerHour', 1, 100_000),
  photoAlt: text('photoAlt', { max: 300 }),
  removePhoto: z
    .literal('on')
    .optional()
    .transform((value) => value === 'on'),
})
export type ActionDetailsInput = z.output<typeof ActionDetailsSchema>

/** A person or office supporters write to, or send a copy to. */
export const AuthoritySchema = z
  .object({
    role: z.enum(AUTHORITY_ROLES, { error: 'console.error.authorityRole.required' }),
    name: text('authorityName', { min: 1, max: 200 }),
    title: text('authorityTitle', { min: 1, max: 200 }),
    salutation: text('salutation', { min: 1, max: 200 }),
    email: z
      .string()
      .trim()
      .max(254, 'console.error.authorityEmail.invalid')
      .refine(
        (value) => value === '' || /^[^@\s\p{Cc}]+@[^@\s\p{Cc}]+\.[^@\s\p{Cc}]+$/u.test(value),
        'console.error.authorityEmail.invalid',
      )
      .transform((value) => value || null),
    postalAddress: text('postalAddress', { max: 1000 }),
    language: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'console.error.language.invalid'),
  })
  .superRefine((value, ctx) => {
    // The database refuses an authority nobody can reach; say so beside the fields.
    if (!value.email && !value.postalAddress) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'console.error.unreachable' })
    }
  })
export type AuthorityInput = z.output<typeof AuthoritySchema>

export const LetterTemplateSchema = z.object({
  subject: text('letterSubject', { min: 1, max: 300 }),
  body: text('letterBody', { min: 1, max: 20_000 }),
})
export type LetterTemplateInput = z.output<typeof LetterTemplateSchema>

const outcome = z
  .string()
  .default('')
  .transform((value) => value || null)
  .pipe(z.enum(ACTION_OUTCOMES, { error: 'console.error.outcome.unknown' }).nullable())

export const UpdateSchema = z.object({
  title: text('updateTitle', { min: 1, max: 200 }),
  body: text('updateBody', { min: 1, max: 50_000 }),
  outcome,
})
export type UpdateInput = z.output<typeof UpdateSchema>

export const CloseActionSchema = z.object({
  outcome: z.enum(ACTION_OUTCOMES, { error: 'console.error.outcome.required' }),
  outcomeNote: text('outcomeNote', { max: 2000 }),
})

export const PauseActionSchema = z.object({
  reason: text('pauseReason', { max: 500 }),
})

export type FormValues = Record<string, string | string[]>

/**
 * Parses form data with a schema, like parseForm, but keeps repeated fields (checkboxes of the
 * same name) as arrays. On failure returns each field's error keys and everything that was typed.
 */
export function parseStaffForm<S extends z.ZodType>(
  schema: S,
  formData: FormData,
  { arrays = [] }: { arrays?: string[] } = {},
) {
  const values: FormValues = {}
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string' || key === 'csrf') continue
    if (arrays.includes(key))
      values[key] = [...((values[key] as string[] | undefined) ?? []), value]
    else values[key] = value
  }
  const result = schema.safeParse(values)
  if (result.success) return { ok: true as const, data: result.data as z.output<S>, values }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    errors[field] ??= []
    if (!errors[field].includes(issue.message)) errors[field].push(issue.message)
  }
  return { ok: false as const, errors, values }
}

/** A slug from a title: lower case ASCII letters and digits joined by single hyphens. */
export function slugify(title: string, maxLength = 80) {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '')
  return slug || 'action'
}
