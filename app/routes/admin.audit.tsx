import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import {
  getAuditFilterOptions,
  listAuditLog,
  parseAuditSearch,
  type AuditEntry,
  type AuditFilters,
} from '#app/models/staff.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { requireStaff } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => {
  const t = createTranslator('en')
  return [
    { title: t('admin.metaTitle', { page: t('admin.audit.title') }) },
    { name: 'robots', content: 'noindex' },
  ]
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, 'admin')
  const { filters, ignored } = parseAuditSearch(new URL(request.url).searchParams)
  const [log, options] = await Promise.all([listAuditLog(filters), getAuditFilterOptions()])
  return { filters, ignored, ...log, ...options }
}

/** The log's address for the same filters on another page; empty filters are left out. */
function pageHref(filters: AuditFilters, page: number) {
  const params = new URLSearchParams()
  for (const name of ['entityType', 'event', 'staffUserId', 'from', 'to'] as const) {
    const value = filters[name]
    if (value) params.set(name, value)
  }
  if (page > 1) params.set('page', String(page))
  const search = params.toString()
  return search ? `/admin/audit?${search}` : '/admin/audit'
}

export default function AuditLogPage() {
  const { filters, ignored, entries, total, page, pageCount, entityTypes, events, staff } =
    useLoaderData<typeof loader>()
  const { t } = useTranslation()
  // A filter value no entry has (yet) still shows as chosen.
  const withCurrent = (values: string[], current: string | undefined) =>
    current && !values.includes(current) ? [...values, current] : values
  return (
    <div className="admin-page">
      <h1>{t('admin.audit.heading')}</h1>
      <p>{t('admin.audit.intro')}</p>
      {ignored.length > 0 ? (
        <p className="notice-ignored" role="status">
          {t('admin.audit.ignored')}
        </p>
      ) : null}

      <section className="admin-filters" aria-labelledby="audit-filters-heading">
        <h2 id="audit-filters-heading">{t('admin.audit.filters.heading')}</h2>
        <Form method="get" action="/admin/audit" key={JSON.stringify(filters)}>
          <div className="filter-grid">
            <div className="field">
              <label htmlFor="audit-entityType">{t('admin.audit.filters.entityType')}</label>
              <select id="audit-entityType" name="entityType" defaultValue={filters.entityType}>
                <option value="">{t('admin.audit.filters.any')}</option>
                {withCurrent(entityTypes, filters.entityType).map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="audit-event">{t('admin.audit.filters.event')}</label>
              <select id="audit-event" name="event" defaultValue={filters.event}>
                <option value="">{t('admin.audit.filters.any')}</option>
                {withCurrent(events, filters.event).map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="audit-staff">{t('admin.audit.filters.staff')}</label>
              <select id="audit-staff" name="staffUserId" defaultValue={filters.staffUserId}>
                <option value="">{t('admin.audit.filters.any')}</option>
                {staff.map((member) => (
                  <option key={member.id} value={member.id}>
                    {member.name} ({member.email})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="audit-from">{t('admin.audit.filters.from')}</label>
              <input id="audit-from" type="date" name="from" defaultValue={filters.from} />
            </div>
            <div className="field">
              <label htmlFor="audit-to">{t('admin.audit.filters.to')}</label>
              <input id="audit-to" type="date" name="to" defaultValue={filters.to} />
            </div>
          </div>
          <div className="button-row">
            <button type="submit">{t('admin.audit.filters.submit')}</button>
            <Link to="/admin/audit" className="clear-filters">
              {t('admin.audit.filters.clear')}
            </Link>
          </div>
        </Form>
      </section>

      <p role="status" data-testid="audit-count">
        {t('admin.audit.found', { count: total })}
      </p>
      {entries.length === 0 ? (
        <p>{t('admin.audit.empty')}</p>
      ) : (
        // Focusable, so keyboard users can scroll the table sideways on a narrow screen.
        <div
          className="table-scroll"
          tabIndex={0}
          role="region"
          aria-label={t('admin.audit.caption')}
        >
          <table className="admin-table audit-table">
            <caption className="visually-hidden">{t('admin.audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.at')}</th>
                <th scope="col">{t('admin.audit.who')}</th>
                <th scope="col">{t('admin.audit.event')}</th>
                <th scope="col">{t('admin.audit.record')}</th>
                <th scope="col">{t('admin.audit.ip')}</th>
                <th scope="col">{t('admin.audit.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {pageCount > 1 ? (
        <nav className="pagination" aria-label={t('admin.audit.pagination.label')}>
          {page > 1 ? (
            <Link to={pageHref(filters, page - 1)} rel="prev">
              {t('admin.audit.pagination.previous')}
            </Link>
          ) : (
            <span />
          )}
          <span>{t('admin.audit.pagination.status', { page, pageCount })}</span>
          {page < pageCount ? (
            <Link to={pageHref(filters, page + 1)} rel="next">
              {t('admin.audit.pagination.next')}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  )
}

/** JSON as text, indented: React escapes it, so a stored `<script>` shows as characters. */
function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null
  return (
    <div className="audit-json">
      <p className="audit-json-label">{label}</p>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </div>
  )
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation()
  return (
    <tr>
      <td>
        <time dateTime={entry.at}>
          {t('admin.audit.atUtc', { time: entry.at.slice(0, 19).replace('T', ' ') })}
        </time>
      </td>
      <td className="breakable">
        {entry.staffName ? `${entry.staffName} (${entry.staffEmail})` : t('admin.audit.system')}
      </td>
      <td>
        <code>{entry.event}</code>
      </td>
      <td className="breakable">
        {entry.entityType}
        {entry.entityId ? (
          <>
            <br />
            <code>{entry.entityId}</code>
          </>
        ) : null}
      </td>
      <td>{entry.ip}</td>
      <td>
        <Json label={t('admin.audit.before')} value={entry.before} />
        <Json label={t('admin.audit.after')} value={entry.after} />
      </td>
    </tr>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
