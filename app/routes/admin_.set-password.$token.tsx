import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import {
  getPasswordLink,
  PasswordTokenParam,
  SetPasswordSchema,
  setPasswordWithLink,
  type PasswordLinkView,
} from '#app/models/staff.server.ts'
import { parseForm, type FieldErrors } from '#app/schemas/supporter-forms.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'

export const meta: MetaFunction = () => {
  const t = createTranslator('en')
  return [
    { title: t('admin.metaTitle', { page: t('admin.setPassword.title') }) },
    // The link is personal: keep it out of search engines.
    { name: 'robots', content: 'noindex' },
  ]
}

export const headers: HeadersFunction = () => ({
  'Cache-Control': 'private, no-store',
  'X-Robots-Tag': 'noindex',
})

type Problem = Exclude<PasswordLinkView['status'], 'ready'>
const problemStatus = (problem: Problem) => (problem === 'expired' ? 410 : 400)

// Opening the link changes nothing (mail scanners open every link); only the form's POST uses it.
export async function loader({ params }: LoaderFunctionArgs) {
  const token = PasswordTokenParam.safeParse(params.token)
  const view: PasswordLinkView = token.success
    ? await getPasswordLink({ token: token.data })
    : { status: 'invalid' }
  if (view.status !== 'ready') return data({ view }, { status: problemStatus(view.status) })
  return { view }
}

type ActionResult = { problem?: Problem; errors?: FieldErrors }

export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = PasswordTokenParam.safeParse(params.token)
  if (!token.success) return data<ActionResult>({ problem: 'invalid' }, 400)
  const parsed = parseForm(SetPasswordSchema, await request.formData())
  // Passwords are never sent back to the page.
  if (!parsed.ok) return data<ActionResult>({ errors: parsed.errors }, 400)
  const result = await setPasswordWithLink({
    token: token.data,
    password: parsed.data.password,
    ip: context.clientIp,
  })
  if (result.status !== 'ok')
    return data<ActionResult>({ problem: result.status }, problemStatus(result.status))
  return redirect('/admin', { status: 303, headers: { 'Set-Cookie': result.setCookie } })
}

export default function SetPassword() {
  const { view } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation()
  const problem = result?.problem ?? (view.status === 'ready' ? undefined : view.status)
  if (problem || view.status !== 'ready') {
    return (
      <div className="status-page" role="alert">
        <h1>
          {problem === 'expired'
            ? t('admin.setPassword.expiredHeading')
            : t('admin.setPassword.invalidHeading')}
        </h1>
        <p>
          {problem === 'expired'
            ? t('admin.setPassword.expiredBody')
            : t('admin.setPassword.invalidBody')}
        </p>
        <p>
          <Link to="/admin/reset-password">{t('admin.setPassword.requestNew')}</Link>
        </p>
      </div>
    )
  }
  const labels = {
    password: t('admin.setPassword.password'),
    confirm: t('admin.setPassword.confirm'),
  }
  return (
    <div className="status-page">
      <h1>{t('admin.setPassword.heading')}</h1>
      <p>{t('admin.setPassword.intro', { email: view.email })}</p>
      <Form method="post" noValidate key={result ? JSON.stringify(result) : 'new'}>
        <ErrorSummary errors={result?.errors} labels={labels} />
        {/* For password managers: which account this password belongs to. */}
        <input
          type="email"
          name="username"
          autoComplete="username"
          value={view.email}
          readOnly
          hidden
        />
        <Field
          name="password"
          label={labels.password}
          hint={t('admin.setPassword.passwordHint')}
          errors={result?.errors?.password}
        >
          {(props) => (
            <input {...props} type="password" autoComplete="new-password" minLength={12} required />
          )}
        </Field>
        <Field name="confirm" label={labels.confirm} errors={result?.errors?.confirm}>
          {(props) => <input {...props} type="password" autoComplete="new-password" required />}
        </Field>
        <button type="submit" disabled={navigation.state === 'submitting'}>
          {t('admin.setPassword.submit')}
        </button>
      </Form>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
