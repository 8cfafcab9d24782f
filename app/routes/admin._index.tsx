import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { StatusBadge } from '#app/components/console.tsx'
import { listActionsForConsole } from '#app/models/action-admin.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createTranslator, formatDate } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { ROLE_RANK, requireStaff } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => {
  const t = createTranslator('en')
  return [{ title: t('console.metaTitle', { page: t('console.overview.title') }) }]
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireStaff(request, 'viewer')
  const actions = await listActionsForConsole(getDb())
  return { actions, canEdit: ROLE_RANK[user.role] >= ROLE_RANK.editor }
}

export default function ConsoleOverview() {
  const { actions, canEdit } = useLoaderData<typeof loader>()
  const { t, locale } = useTranslation()
  return (
    <section className="console" aria-labelledby="overview-heading">
      <div className="console-heading">
        <h1 id="overview-heading">{t('console.overview.title')}</h1>
        {canEdit ? (
          <Link className="button-link" to="/admin/actions/new">
            {t('console.overview.newAction')}
          </Link>
        ) : null}
      </div>
      {actions.length === 0 ? (
        <p>{t('console.overview.empty')}</p>
      ) : (
        <div className="console-table-wrap">
          <table className="console-table">
            <caption className="visually-hidden">{t('console.overview.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('console.overview.action')}</th>
                <th scope="col">{t('console.overview.status')}</th>
                <th scope="col">{t('console.overview.reference')}</th>
                <th scope="col" className="numeric">
                  {t('console.overview.confirmed')}
                </th>
                <th scope="col" className="numeric">
                  {t('console.overview.pending')}
                </th>
                <th scope="col" className="numeric">
                  {t('console.overview.followers')}
                </th>
                <th scope="col">{t('console.overview.deadline')}</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((action) => (
                <tr key={action.id}>
                  <th scope="row">
                    <Link to={`/admin/actions/${action.id}`}>{action.title}</Link>
                    <span className="console-muted">{action.atRiskName}</span>
                  </th>
                  <td>
                    <StatusBadge status={action.status} paused={action.paused} />
                  </td>
                  <td>{action.reference ?? '—'}</td>
                  <td className="numeric">{action.confirmed.toLocaleString(locale)}</td>
                  <td className="numeric">{action.pending.toLocaleString(locale)}</td>
                  <td className="numeric">{action.followers.toLocaleString(locale)}</td>
                  <td>{action.deadline ? formatDate(locale, action.deadline) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
