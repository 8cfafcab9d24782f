import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData } from '@remix-run/react'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import { requestMyDataLink } from '#app/models/my-data.server.ts'
import { MyDataRequestSchema, parseForm } from '#app/schemas/supporter-forms.ts'
import { hashIp } from '#app/utils/crypto.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { RateLimitedError } from '#app/utils/rate-limit.server.ts'
import { tooManyRequests } from '#app/utils/responses.server.ts'
import { headersWithRefusals } from '#app/utils/route-headers.ts'

export const headers = headersWithRefusals()

export const meta: MetaFunction = () => [{ title: createTranslator('en')('myData.metaTitle') }]

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(MyDataRequestSchema, await request.formData())
  if (!parsed.ok) return data({ sent: false, errors: parsed.errors, values: parsed.values }, 400)
  try {
    await requestMyDataLink({ email: parsed.data.email, ipHash: hashIp(context.clientIp) })
  } catch (error) {
    if (error instanceof RateLimitedError) throw tooManyRequests(error.retryAfterSeconds)
    throw error
  }
  // The same answer whether or not we hold anything about the address.
  return data({ sent: true, errors: undefined, values: {} })
}

export default function RequestMyData() {
  const result = useActionData<typeof action>()
  const { t } = useTranslation()
  if (result?.sent) {
    return (
      <div className="status-page" role="status">
        <h1>{t('myData.sentHeading')}</h1>
        <p>{t('myData.sentBody')}</p>
      </div>
    )
  }
  const values: Record<string, string> = result?.values ?? {}
  return (
    <div className="status-page">
      <h1>{t('myData.heading')}</h1>
      <p>{t('myData.intro')}</p>
      <Form method="post" noValidate>
        <ErrorSummary errors={result?.errors} labels={{ email: t('myData.email') }} />
        <Field name="email" label={t('myData.email')} errors={result?.errors?.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="email"
              maxLength={254}
              defaultValue={values.email}
              required
            />
          )}
        </Field>
        <button type="submit">{t('myData.submit')}</button>
      </Form>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
