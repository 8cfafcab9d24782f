import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { LinkProblem, linkProblemStatus } from '#app/components/link-problem.tsx'
import { getUnsubscribeView, unsubscribe } from '#app/models/follow.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { LinkTokenParam } from '#app/utils/link-token.ts'

export const meta: MetaFunction = () => [
  { title: createTranslator('en')('unsubscribe.metaTitle') },
  { name: 'robots', content: 'noindex' },
]

// GET shows buttons and changes nothing (link scanners must not unsubscribe anyone).
export async function loader({ params }: LoaderFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  const view = token.success
    ? await getUnsubscribeView(token.data)
    : ({ status: 'invalid' } as const)
  const status = view.status === 'ready' ? 200 : linkProblemStatus(view.status)
  return data({ view }, { status })
}

/**
 * POST unsubscribes, with no cookie or login: from our page's buttons (scope=case|all), or as an
 * RFC 8058 one-click request from a mail client (body "List-Unsubscribe=One-Click"), which stops
 * what the email was about: that case, or everything for mail about no case.
 */
export async function action({ params, request }: ActionFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  if (!token.success) return data({ done: null, problem: 'invalid' as const }, { status: 400 })
  const form = await request.formData()
  const scope =
    form.get('List-Unsubscribe') === 'One-Click' || form.get('scope') !== 'all' ? 'case' : 'all'
  const result = await unsubscribe(token.data, scope)
  if (result.status !== 'unsubscribed') {
    return data(
      { done: null, problem: result.status },
      { status: linkProblemStatus(result.status) },
    )
  }
  return data({ done: result.scope, problem: null })
}

export default function Unsubscribe() {
  const { view } = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  const { t } = useTranslation()
  if (posted?.problem) return <LinkProblem problem={posted.problem} />
  if (view.status !== 'ready') return <LinkProblem problem={view.status} />
  if (posted?.done) {
    return (
      <div className="status-page" role="status">
        <h1>{t('unsubscribe.doneHeading')}</h1>
        <p>{posted.done === 'case' ? t('unsubscribe.doneCase') : t('unsubscribe.doneAll')}</p>
      </div>
    )
  }
  return (
    <div className="status-page">
      <h1>{t('unsubscribe.heading')}</h1>
      <p>
        {view.action
          ? t('unsubscribe.bodyCase', { atRiskName: view.action.atRiskName })
          : t('unsubscribe.bodyAll')}
      </p>
      <Form method="post" className="button-row">
        {view.action ? (
          <button type="submit" name="scope" value="case">
            {t('unsubscribe.case')}
          </button>
        ) : null}
        <button
          type="submit"
          name="scope"
          value="all"
          className={view.action ? 'secondary' : undefined}
        >
          {t('unsubscribe.all')}
        </button>
      </Form>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
