import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { LinkProblem, linkProblemStatus } from '#app/components/link-problem.tsx'
import { confirmFollow, getFollowView } from '#app/models/follow.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { LinkTokenParam } from '#app/utils/link-token.ts'

export const meta: MetaFunction = () => [
  { title: createTranslator('en')('followConfirm.heading') },
  { name: 'robots', content: 'noindex' },
]

type View = Awaited<ReturnType<typeof getFollowView>>
const statusFor = (view: View) =>
  view.status === 'expired' || view.status === 'invalid' ? linkProblemStatus(view.status) : 200

// Opening the link changes nothing; only the button's POST starts the updates.
export async function loader({ params }: LoaderFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  const view: View = token.success ? await getFollowView(token.data) : { status: 'invalid' }
  return data({ view, done: false }, { status: statusFor(view) })
}

export async function action({ params }: ActionFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  const view: View = token.success ? await confirmFollow(token.data) : { status: 'invalid' }
  return data({ view, done: view.status === 'ready' }, { status: statusFor(view) })
}

export default function ConfirmFollow() {
  const loaded = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  const { view, done } = (posted ?? loaded) as { view: View; done: boolean }
  const { t } = useTranslation()
  if (view.status === 'expired' || view.status === 'invalid')
    return <LinkProblem problem={view.status} />
  const following = done || view.status === 'already-following'
  return (
    <div className="status-page">
      <h1>{following ? t('followConfirm.doneHeading') : t('followConfirm.heading')}</h1>
      {following ? (
        <p>{t('followConfirm.doneBody', { atRiskName: view.action.atRiskName })}</p>
      ) : (
        <Form method="post">
          <p>{t('followConfirm.body', { atRiskName: view.action.atRiskName })}</p>
          <button type="submit">{t('followConfirm.submit')}</button>
        </Form>
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
