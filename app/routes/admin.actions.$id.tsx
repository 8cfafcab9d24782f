import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { StatusBadge } from '#app/components/console.tsx'
import { actionIdParam, requireConsoleAction } from '#app/models/action-admin.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { ROLE_RANK, requireStaff } from '#app/utils/session.server.ts'
import { skipRevalidationAfterPreview } from '#app/utils/revalidation.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = createTranslator('en')
  return [{ title: t('console.metaTitle', { page: data?.action.title ?? t('console.title') }) }]
}

export const shouldRevalidate = skipRevalidationAfterPreview

/** The frame of one action's pages: its name, status and the console's tabs. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user } = await requireStaff(request, 'viewer')
  const action = await requireConsoleAction(getDb(), actionIdParam(params))
  return {
    action: {
      id: action.id,
      title: action.title,
      slug: action.slug,
      reference: action.reference,
      status: action.status,
      paused: action.pausedAt !== null,
    },
    canEdit: ROLE_RANK[user.role] >= ROLE_RANK.editor,
  }
}

export default function ActionConsoleLayout() {
  const { action, canEdit } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  const base = `/admin/actions/${action.id}`
  const editable = canEdit && action.status !== 'closed'
  return (
    <div className="console">
      <p className="console-breadcrumb">
        <Link to="/admin">{t('console.overview.title')}</Link>
      </p>
      <header className="console-action-header">
        {action.reference ? <p className="reference">{action.reference}</p> : null}
        <h1>{action.title}</h1>
        <p>
          <StatusBadge status={action.status} paused={action.paused} />{' '}
          {action.status !== 'draft' ? (
            <a href={`/actions/${action.slug}`}>{t('console.action.publicPage')}</a>
          ) : null}
        </p>
      </header>
      <nav className="console-tabs" aria-label={t('console.action.tabs')}>
        <ul>
          <li>
            <NavLink to={base} end>
              {t('console.tab.overview')}
            </NavLink>
          </li>
          {editable ? (
            <>
              <li>
                <NavLink to={`${base}/edit`}>{t('console.tab.details')}</NavLink>
              </li>
              <li>
                <NavLink to={`${base}/authorities`}>{t('console.tab.authorities')}</NavLink>
              </li>
              <li>
                <NavLink to={`${base}/letter`}>{t('console.tab.letter')}</NavLink>
              </li>
            </>
          ) : null}
          {canEdit ? (
            <li>
              <NavLink to={`${base}/updates`}>{t('console.tab.updates')}</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
