import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { LinkProblem, linkProblemStatus } from '#app/components/link-problem.tsx'
import {
  confirmSignature,
  getConfirmationView,
  type ConfirmationView,
} from '#app/models/signature.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { LinkTokenParam } from '#app/utils/link-token.ts'

export const meta: MetaFunction = () => [
  { title: createTranslator('en')('confirm.metaTitle') },
  // Confirmation links are personal: keep them out of search engines and referrers.
  { name: 'robots', content: 'noindex' },
]

function statusFor(view: ConfirmationView) {
  return view.status === 'expired' || view.status === 'invalid'
    ? linkProblemStatus(view.status)
    : 200
}

// Opening the link changes nothing (mail scanners open every link); only the button's POST confirms.
export async function loader({ params }: LoaderFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  const view: ConfirmationView = token.success
    ? await getConfirmationView(token.data)
    : { status: 'invalid' }
  return data({ view }, { status: statusFor(view) })
}

export async function action({ params }: ActionFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  const view: ConfirmationView = token.success
    ? await confirmSignature(token.data)
    : { status: 'invalid' }
  if (view.status === 'ready' || view.status === 'already-confirmed') {
    return redirect(`/actions/${view.action.slug}/thank-you`, 303)
  }
  return data({ view }, { status: statusFor(view) === 200 ? 409 : statusFor(view) })
}

export default function ConfirmSignature() {
  const loaded = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  const view = (posted && 'view' in posted ? posted.view : loaded.view) as ConfirmationView
  const { t } = useTranslation()
  if (view.status === 'expired' || view.status === 'invalid')
    return <LinkProblem problem={view.status} />
  if (view.status === 'withdrawn') {
    return (
      <div className="status-page">
        <h1>{t('confirm.withdrawnHeading')}</h1>
        <p>{t('confirm.withdrawnBody')}</p>
      </div>
    )
  }
  const heading = {
    ready: t('confirm.heading'),
    'already-confirmed': t('confirm.alreadyHeading'),
    'not-open': t('confirm.notOpenHeading'),
  }[view.status]
  return (
    <div className="status-page">
      <h1>{heading}</h1>
      {view.status === 'ready' ? (
        <Form method="post">
          <p>
            {t('confirm.body', { atRiskName: view.action.atRiskName, title: view.action.title })}
          </p>
          <button type="submit">{t('confirm.submit')}</button>
        </Form>
      ) : (
        <p>
          {view.status === 'already-confirmed'
            ? t('confirm.alreadyBody')
            : t('confirm.notOpenBody')}
        </p>
      )}
      <p>
        <Link to={`/actions/${view.action.slug}`}>
          {t('checkEmail.back')}: {view.action.title}
        </Link>
      </p>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
