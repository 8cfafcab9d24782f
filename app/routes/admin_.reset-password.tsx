import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData } from '@remix-run/react'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import { PasswordResetRequestSchema, requestPasswordReset } from '#app/models/staff.server.ts'
import { parseForm } from '#app/schemas/supporter-forms.ts'
import { hashIp } from '#app/utils/crypto.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { RateLimitedError } from '#app/utils/rate-limit.server.ts'
import { tooManyRequests } from '#app/utils/responses.server.ts'
import { headersWithRefusals } from '#app/utils/route-headers.ts'

export const meta: MetaFunction = () => {
  const t = createTranslator('en')
  return [
    { title: t('admin.metaTitle', { page: t('admin.reset.title') }) },
    { name: 'robots', content: 'noindex' },
  ]
}

export const headers = headersWithRefusals({ 'X-Robots-Tag': 'noindex' })

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(PasswordResetRequestSchema, await request.formData())
  if (!parsed.ok) return data({ sentTo: null, errors: parsed.errors, values: parsed.values }, 400)
  try {
    await requestPasswordReset({ email: parsed.data.email, ipHash: hashIp(context.clientIp) })
  } catch (error) {
    if (error instanceof RateLimitedError) throw tooManyRequests(error.retryAfterSeconds)
    throw error
  }
  // The same answer whether or not the address belongs to a staff account.
  return { sentTo: parsed.data.email, errors: undefined, values: {} }
}

export default function RequestPasswordReset() {
  const result = useActionData<typeof action>()
  const { t } = useTranslation()
  if (result?.sentTo) {
    return (
      <div className="status-page" role="status">
        <h1>{t('admin.reset.sentHeading')}</h1>
        <p>{t('admin.reset.sentBody', { email: result.sentTo })}</p>
        <p>
          <Link to="/admin/login">{t('admin.reset.backToLogin')}</Link>
        </p>
      </div>
    )
  }
  const values: Record<string, string> = result?.values ?? {}
  return (
    <div className="status-page">
      <h1>{t('admin.reset.heading')}</h1>
      <p>{t('admin.reset.intro')}</p>
      <Form method="post" noValidate>
        <ErrorSummary errors={result?.errors} labels={{ email: t('admin.reset.email') }} />
        <Field name="email" label={t('admin.reset.email')} errors={result?.errors?.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="username"
              maxLength={254}
              defaultValue={values.email}
              required
            />
          )}
        </Field>
        <button type="submit">{t('admin.reset.submit')}</button>
      </Form>
      <p>
        <Link to="/admin/login">{t('admin.reset.backToLogin')}</Link>
      </p>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
