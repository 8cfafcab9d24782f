import {
  data,
  type HeadersFunction,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData, useParams } from '@remix-run/react'
import { CheckboxField, ErrorSummary } from '#app/components/forms.tsx'
import { LinkProblem, linkProblemStatus } from '#app/components/link-problem.tsx'
import { eraseSupporter, getMyData, supporterIdFromDataToken } from '#app/models/my-data.server.ts'
import { countryName } from '#app/utils/countries.ts'
import { createTranslator, formatDate } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { LinkTokenParam } from '#app/utils/link-token.ts'

// A supporter's own data, and the link that shows it: never kept by a browser or a proxy.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'private, no-store' })

export const meta: MetaFunction = () => [
  { title: createTranslator('en')('myData.metaTitle') },
  { name: 'robots', content: 'noindex' },
]

async function supporterFor(tokenParam: string | undefined) {
  const token = LinkTokenParam.safeParse(tokenParam)
  if (!token.success) return { ok: false as const, problem: 'invalid' as const }
  return supporterIdFromDataToken(token.data)
}

export async function loader({ params }: LoaderFunctionArgs) {
  const found = await supporterFor(params.token)
  if (!found.ok)
    return data(
      { problem: found.problem, myData: null },
      { status: linkProblemStatus(found.problem) },
    )
  const myData = await getMyData(found.supporterId)
  // An erased supporter's link no longer shows anything.
  if (!myData) return data({ problem: 'invalid' as const, myData: null }, { status: 410 })
  return { problem: null, myData }
}

export async function action({ params, request }: ActionFunctionArgs) {
  const found = await supporterFor(params.token)
  if (!found.ok)
    return data({ erased: false, errors: undefined }, { status: linkProblemStatus(found.problem) })
  const form = await request.formData()
  if (form.get('confirm') !== 'on') {
    return data({ erased: false, errors: { confirm: ['myData.eraseConfirmRequired'] } }, 400)
  }
  await eraseSupporter(found.supporterId)
  return { erased: true, errors: undefined }
}

export default function MyData() {
  const { problem, myData } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const { token } = useParams()
  const { t, locale } = useTranslation()
  if (result?.erased) {
    return (
      <div className="status-page" role="status">
        <h1>{t('myData.erasedHeading')}</h1>
        <p>{t('myData.erasedBody')}</p>
      </div>
    )
  }
  if (problem || !myData) return <LinkProblem problem={problem ?? 'invalid'} />
  const { profile } = myData
  return (
    <div className="my-data">
      <h1>{t('myData.viewHeading')}</h1>
      <h2>{t('myData.profile')}</h2>
      <dl>
        <dt>{t('myData.field.email')}</dt>
        <dd>{profile.email}</dd>
        <dt>{t('myData.field.name')}</dt>
        <dd>{[profile.firstName, profile.lastName].filter(Boolean).join(' ') || '—'}</dd>
        <dt>{t('myData.field.country')}</dt>
        <dd>{profile.country ? countryName(locale, profile.country) : '—'}</dd>
        <dt>{t('myData.field.news')}</dt>
        <dd>{profile.newsConsentAt ? t('myData.yes') : t('myData.no')}</dd>
        <dt>{t('myData.field.since')}</dt>
        <dd>{formatDate(locale, String(profile.createdAt))}</dd>
      </dl>
      <h2>{t('myData.signatures')}</h2>
      {myData.signatures.length === 0 ? (
        <p>{t('myData.noSignatures')}</p>
      ) : (
        <ul>
          {myData.signatures.map((signature) => (
            <li key={`${signature.reference}-${String(signature.signedAt)}`}>
              {signature.reference ? `${signature.reference}: ` : null}
              {signature.action} — {t(`myData.signatureStatus.${signature.status}`)},{' '}
              {formatDate(locale, String(signature.signedAt))}
              {signature.personalMessage ? (
                <p className="field-hint">
                  {t('myData.message', { message: signature.personalMessage })}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('myData.follows')}</h2>
      {myData.follows.length === 0 ? (
        <p>{t('myData.noFollows')}</p>
      ) : (
        <ul>
          {myData.follows.map((follow) => (
            <li key={`${follow.reference}-${follow.action}`}>
              {follow.reference ? `${follow.reference}: ` : null}
              {follow.action} — {t(`myData.followStatus.${follow.status}`)}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={`/my-data/${token}/download`} download>
          {t('myData.download')}
        </a>
      </p>
      <section className="danger-zone" aria-labelledby="erase-heading">
        <h2 id="erase-heading">{t('myData.eraseHeading')}</h2>
        <p>{t('myData.eraseBody')}</p>
        <Form method="post" noValidate>
          <ErrorSummary errors={result?.errors} labels={{ confirm: t('myData.eraseConfirm') }} />
          <CheckboxField
            name="confirm"
            label={t('myData.eraseConfirm')}
            errors={result?.errors?.confirm}
          />
          <button type="submit" className="danger">
            {t('myData.eraseSubmit')}
          </button>
        </Form>
      </section>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
