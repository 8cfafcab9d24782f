import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import { safeAdminRedirect, SignInSchema, signIn } from '#app/models/staff.server.ts'
import { parseForm, type FieldErrors } from '#app/schemas/supporter-forms.ts'
import { hashIp } from '#app/utils/crypto.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { RateLimitedError } from '#app/utils/rate-limit.server.ts'
import { tooManyRequests } from '#app/utils/responses.server.ts'
import { headersWithRefusals } from '#app/utils/route-headers.ts'
import { getStaffSession } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => {
  const t = createTranslator('en')
  return [
    { title: t('admin.metaTitle', { page: t('admin.login.title') }) },
    { name: 'robots', content: 'noindex' },
  ]
}

export const headers = headersWithRefusals({ 'X-Robots-Tag': 'noindex' })

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeAdminRedirect(new URL(request.url).searchParams.get('redirectTo'))
  if (await getStaffSession(request)) throw redirect(redirectTo)
  return { redirectTo }
}

type ActionResult = { errors: FieldErrors; email: string }

// This form has no session yet, so no CSRF token: SameSite cookies and the server's Origin check
// keep other sites from posting it, and signing someone in to their own account gains nothing.
export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData()
  const redirectTo = safeAdminRedirect(String(formData.get('redirectTo') ?? ''))
  const parsed = parseForm(SignInSchema, formData)
  // The password is never sent back to the page.
  if (!parsed.ok)
    return data<ActionResult>({ errors: parsed.errors, email: parsed.values.email ?? '' }, 400)
  let result
  try {
    result = await signIn({
      email: parsed.data.email,
      password: parsed.data.password,
      ipHash: hashIp(context.clientIp),
      ip: context.clientIp,
    })
  } catch (error) {
    if (error instanceof RateLimitedError) throw tooManyRequests(error.retryAfterSeconds)
    throw error
  }
  if (!result.ok) {
    // Slows down guessing from the third failure in a row (see LOGIN_THROTTLE).
    if (result.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, result.delayMs))
    return data<ActionResult>(
      { errors: { form: ['admin.error.credentials'] }, email: parsed.data.email },
      400,
    )
  }
  return redirect(redirectTo, { status: 303, headers: { 'Set-Cookie': result.setCookie } })
}

export default function SignIn() {
  const { redirectTo } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation()
  const labels = { email: t('admin.login.email'), password: t('admin.login.password') }
  return (
    <div className="status-page">
      <h1>{t('admin.login.heading')}</h1>
      <p>{t('admin.login.intro')}</p>
      <Form method="post" noValidate key={result ? JSON.stringify(result) : 'new'}>
        <ErrorSummary errors={result?.errors} labels={labels} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field name="email" label={labels.email} errors={result?.errors.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="username"
              maxLength={254}
              defaultValue={result?.email}
              required
            />
          )}
        </Field>
        <Field name="password" label={labels.password} errors={result?.errors.password}>
          {(props) => <input {...props} type="password" autoComplete="current-password" required />}
        </Field>
        <button type="submit" disabled={navigation.state === 'submitting'}>
          {t('admin.login.submit')}
        </button>
      </Form>
      <p>
        <Link to="/admin/reset-password">{t('admin.login.forgot')}</Link>
      </p>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
