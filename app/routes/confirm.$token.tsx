import {
  data,
  type HeadersFunction,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { LinkProblem, linkProblemStatus } from '#app/components/link-problem.tsx'
import { z } from 'zod'
import {
  cancelPendingSignature,
  confirmSignature,
  getConfirmationView,
  type ConfirmationView,
  type SignatureDetails,
} from '#app/models/signature.server.ts'
import { countryName } from '#app/utils/countries.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { LinkTokenParam } from '#app/utils/link-token.ts'

// The page shows what a signer typed (name, message): never kept by a browser or a proxy.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'private, no-store' })

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

// Which form's details the page showed; without it (a form from before it was sent), the
// current details are confirmed.
const ConfirmForm = z.object({ submission: z.coerce.number().int().positive().optional() })

export async function action({ params, request }: ActionFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  const fields = Object.fromEntries(await request.formData())
  const form = ConfirmForm.safeParse(fields)
  const view: ConfirmationView = !token.success
    ? { status: 'invalid' }
    : fields.intent === 'cancel'
      ? await cancelPendingSignature(token.data)
      : await confirmSignature(token.data, {
          submission: form.success ? form.data.submission : 0,
        })
  if (view.status === 'cancelled') return data({ view })
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
  if (view.status === 'cancelled') {
    return (
      <div className="status-page" role="status">
        <h1>{t('confirm.cancelledHeading')}</h1>
        <p>{t('confirm.cancelledBody')}</p>
        <p>
          <Link to={`/actions/${view.action.slug}#sign`}>
            {t('confirm.signAgain')}: {view.action.title}
          </Link>
        </p>
      </div>
    )
  }
  const heading = {
    ready: t('confirm.heading'),
    changed: t('confirm.heading'),
    'already-confirmed': t('confirm.alreadyHeading'),
    'not-open': t('confirm.notOpenHeading'),
  }[view.status]
  return (
    <div className="status-page">
      <h1>{heading}</h1>
      {view.status === 'ready' || view.status === 'changed' ? (
        <>
          {view.status === 'changed' ? (
            <div className="notice" role="alert">
              <h2>{t('confirm.changedHeading')}</h2>
              <p>{t('confirm.changedBody')}</p>
            </div>
          ) : null}
          <p>
            {t('confirm.body', { atRiskName: view.action.atRiskName, title: view.action.title })}
          </p>
          <SignatureDetailsList signature={view.signature} />
          <Form method="post">
            <input type="hidden" name="submission" value={view.signature.submission} />
            <button type="submit">{t('confirm.submit')}</button>
          </Form>
          <h2>{t('confirm.notYoursHeading')}</h2>
          <p>{t('confirm.notYours')}</p>
          <Form method="post">
            <button type="submit" name="intent" value="cancel" className="secondary">
              {t('confirm.cancel')}
            </button>
          </Form>
        </>
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

/** What pressing Confirm confirms: anyone can type an address, so its owner checks it first. */
function SignatureDetailsList({ signature }: { signature: SignatureDetails }) {
  const { t, locale } = useTranslation()
  const yesNo = (value: boolean) => (value ? t('confirm.yes') : t('confirm.no'))
  const name = [signature.firstName, signature.lastName].filter(Boolean).join(' ')
  return (
    <section aria-labelledby="confirm-details">
      <h2 id="confirm-details">{t('confirm.detailsHeading')}</h2>
      <dl className="confirm-details">
        <dt>{t('confirm.name')}</dt>
        <dd>{name}</dd>
        <dt>{t('confirm.country')}</dt>
        <dd>{countryName(locale, signature.country)}</dd>
        <dt>{t('confirm.message')}</dt>
        <dd className="confirm-message">{signature.message ?? t('confirm.noMessage')}</dd>
        <dt>{t('confirm.follow')}</dt>
        <dd>{yesNo(signature.follow)}</dd>
        <dt>{t('confirm.news')}</dt>
        <dd>{yesNo(signature.news)}</dd>
      </dl>
    </section>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
