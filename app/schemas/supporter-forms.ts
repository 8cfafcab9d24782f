// What supporters type, validated at the edge. Client-safe; messages are translation keys.
import { z } from 'zod'
import { isCountryCode } from '#app/utils/countries.ts'

// A name is letters, spaces and the punctuation names really use; never markup.
const NO_MARKUP = /^[^<>]*$/
const HAS_LETTER = /\p{L}/u
// Control characters other than tab and line breaks.
const CONTROL_CHARS = /[^\P{Cc}\t\n\r]/u

const name = (field: 'firstName' | 'lastName') =>
  z
    .string({ error: `form.error.${field}.required` })
    .trim()
    .min(1, `form.error.${field}.required`)
    .max(100, `form.error.${field}.tooLong`)
    .regex(NO_MARKUP, `form.error.${field}.markup`)
    .regex(HAS_LETTER, `form.error.${field}.required`)
    .refine((value) => !CONTROL_CHARS.test(value), `form.error.${field}.markup`)

export const emailField = z
  .string({ error: 'form.error.email.required' })
  .trim()
  .min(1, 'form.error.email.required')
  .max(254, 'form.error.email.tooLong')
  .pipe(z.email('form.error.email.invalid'))

const checkbox = z
  .literal('on')
  .optional()
  .transform((value) => value === 'on')

export const SignSchema = z.object({
  firstName: name('firstName'),
  lastName: name('lastName'),
  email: emailField,
  // One message per problem: "required" for an empty choice, "unknown" for anything else.
  country: z.string({ error: 'form.error.country.required' }).superRefine((value, ctx) => {
    if (!value) ctx.addIssue({ code: 'custom', message: 'form.error.country.required' })
    else if (!isCountryCode(value))
      ctx.addIssue({ code: 'custom', message: 'form.error.country.unknown' })
  }),
  message: z
    .string()
    // Browsers send a typed line break as CRLF, two characters, where the textarea's maxlength
    // counted one: counted as one here too, and stored as one.
    .overwrite((value) => value.replace(/\r\n?/g, '\n'))
    .trim()
    .max(1000, 'form.error.message.tooLong')
    // The message goes into a letter to an official: plain words only.
    .refine((value) => !/<\s*[a-z!/?]/i.test(value), 'form.error.message.markup')
    .refine((value) => !CONTROL_CHARS.test(value), 'form.error.message.markup')
    .optional()
    .transform((value) => (value ? value : undefined)),
  consent: z.literal('on', { error: 'form.error.consent.required' }),
  follow: checkbox,
  news: checkbox,
})
export type SignInput = z.infer<typeof SignSchema>

export const FollowSchema = z.object({
  email: emailField,
  consent: z.literal('on', { error: 'form.error.followConsent.required' }),
})

export const MyDataRequestSchema = z.object({ email: emailField })

/** Bots fill every field; people never see this one. */
export const HONEYPOT_FIELD = 'website'

export type FieldErrors = Record<string, string[]>

/** An action's address in its page's path. */
export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  .max(120)

/** A form's fields as the browser sent them: FormData, or URLSearchParams of an urlencoded body. */
export type FormFields = {
  get(name: string): FormDataEntryValue | null
  entries(): IterableIterator<[string, FormDataEntryValue]>
}

/** Parses form data with a schema; on failure returns each field's error keys and what was typed. */
export function parseForm<S extends z.ZodType>(schema: S, formData: FormFields) {
  const values: Record<string, string> = {}
  for (const [key, value] of formData.entries()) {
    if (typeof value === 'string') values[key] = value
  }
  const result = schema.safeParse(values)
  if (result.success) return { ok: true as const, data: result.data as z.output<S> }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    errors[field] ??= []
    if (!errors[field].includes(issue.message)) errors[field].push(issue.message)
  }
  return { ok: false as const, errors, values }
}
