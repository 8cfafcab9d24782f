// What the action page's two public forms (sign, follow) lead to, decided in one place for both
// ways a form arrives: the route's action, and the web server's fast path for a signing surge
// (app/utils/supporter-form-fast-path.server.ts), which answers the redirects itself and hands
// every other outcome to the route to render.
import { followAction } from '#app/models/follow.server.ts'
import { SigningUnavailableError, signAction } from '#app/models/signature.server.ts'
import {
  FollowSchema,
  HONEYPOT_FIELD,
  parseForm,
  SignSchema,
  SlugSchema,
  type FieldErrors,
  type FormFields,
} from '#app/schemas/supporter-forms.ts'
import { hashIp } from '#app/utils/crypto.server.ts'
import { describeDatabaseError } from '#app/utils/db-errors.server.ts'
import { negotiateLocale } from '#app/utils/i18n.ts'
import { RateLimitedError } from '#app/utils/rate-limit.server.ts'

/** What the form shows again when it comes back: the problems and what was typed. */
export type SupporterFormResult = {
  intent: 'sign' | 'follow'
  errors: FieldErrors
  values: Record<string, string>
}

export type SupporterFormOutcome =
  /** Done (or a bot answered as if it were): on to the page that says to check one's email. */
  | { kind: 'redirect'; location: string }
  /**
   * The form again, with what to put right: 400 invalid, 409 closed, 429 too many attempts from
   * this client (send again after `retryAfterSeconds`), 503 try again shortly.
   */
  | {
      kind: 'form'
      status: FormStatus
      result: SupporterFormResult
      retryAfterSeconds?: number
    }
  | { kind: 'not-found' }

/** What was typed, to fill the form again. */
function formValues(form: FormFields) {
  return Object.fromEntries(
    [...form.entries()].filter(([, value]) => typeof value === 'string'),
  ) as Record<string, string>
}

type FormStatus = 400 | 409 | 429 | 503

/** The form again, with what to put right and what was typed. */
function formAgain(
  status: FormStatus,
  intent: SupporterFormResult['intent'],
  { errors, values }: { errors: FieldErrors; values: Record<string, string> },
  retryAfterSeconds?: number,
): SupporterFormOutcome {
  return { kind: 'form', status, result: { intent, errors, values }, retryAfterSeconds }
}

/**
 * Signs or follows from the action page's form. Throws only what nobody can answer for (a bug):
 * every outcome a supporter can meet is returned.
 */
export async function submitSupporterForm({
  slug: slugParam,
  form,
  acceptLanguage,
  clientIp,
}: {
  slug: string | undefined
  form: FormFields
  acceptLanguage: string | null | undefined
  clientIp: string
}): Promise<SupporterFormOutcome> {
  const slug = SlugSchema.safeParse(slugParam)
  if (!slug.success) return { kind: 'not-found' }
  const intent = form.get('intent') === 'follow' ? 'follow' : 'sign'
  // The form posts to #sign (so a page without JavaScript reopens at the form); the fragment
  // here replaces it, or the browser would carry it over to the next page.
  const checkEmail = `/actions/${slug.data}/check-email${intent === 'follow' ? '?follow=1' : ''}#main`
  // A bot filled the field people never see: answer as if it worked, store nothing.
  if (form.get(HONEYPOT_FIELD)) return { kind: 'redirect', location: checkEmail }
  const locale = negotiateLocale(acceptLanguage)
  const ipHash = hashIp(clientIp)

  try {
    if (intent === 'follow') {
      const parsed = parseForm(FollowSchema, form)
      if (!parsed.ok) return formAgain(400, intent, parsed)
      const result = await followAction({
        slug: slug.data,
        email: parsed.data.email,
        ipHash,
        locale,
      })
      if (result.status === 'not-open') return { kind: 'not-found' }
      return { kind: 'redirect', location: checkEmail }
    }
    const parsed = parseForm(SignSchema, form)
    if (!parsed.ok) return formAgain(400, intent, parsed)
    const result = await signAction({ slug: slug.data, input: parsed.data, ipHash, locale })
    if (result.status === 'not-open') {
      const errors = { form: ['form.error.notOpen'] }
      return formAgain(409, intent, { errors, values: formValues(form) })
    }
    return { kind: 'redirect', location: checkEmail }
  } catch (error) {
    // Too many attempts from this client (or with this address): what was typed stays in the
    // form, to send again later, as after a database stall.
    if (error instanceof RateLimitedError) {
      const errors = { form: ['form.error.rateLimited'] }
      return formAgain(429, intent, { errors, values: formValues(form) }, error.retryAfterSeconds)
    }
    // The database is restarting or stuck: the form comes back as it was sent, to send again.
    if (error instanceof SigningUnavailableError) {
      const why = error.cause ? describeDatabaseError(error.cause) : 'the deadline passed'
      console.error(`sign: ${error.message}: ${why}`)
      const errors = { form: ['form.error.unavailable'] }
      return formAgain(503, intent, { errors, values: formValues(form) })
    }
    throw error
  }
}
