import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { ActionCard } from '#app/components/action-card.tsx'
import {
  ACTION_LIST_QUERY_MAX_LENGTH,
  getActionListFilterOptions,
  listPublicActions,
  parseActionListSearch,
  type ActionListFilters,
} from '#app/models/action-list.server.ts'
import { countryName } from '#app/utils/countries.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createTranslator, defaultLocale, type TranslationKey } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'

export const meta: MetaFunction = () => {
  const t = createTranslator(defaultLocale)
  return [
    { title: `${t('actionList.title')} · ${t('site.name')}` },
    { name: 'description', content: t('actionList.description') },
  ]
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { filters, ignored } = parseActionListSearch(new URL(request.url).searchParams)
  const db = getDb()
  const [result, options] = await Promise.all([
    listPublicActions(db, filters),
    getActionListFilterOptions(db),
  ])
  return { filters, ignored, ...result, ...options }
}

/** The list's address for the same filters on another page; defaults are left out. */
function pageHref(filters: ActionListFilters, page: number) {
  const params = new URLSearchParams()
  if (filters.q) params.set('q', filters.q)
  if (filters.country) params.set('country', filters.country)
  if (filters.theme) params.set('theme', filters.theme)
  if (filters.status !== 'all') params.set('status', filters.status)
  if (page > 1) params.set('page', String(page))
  const search = params.toString()
  return search ? `/actions?${search}` : '/actions'
}

export default function ActionListPage() {
  const { filters, ignored, actions, total, page, pageCount, countries, themes } =
    useLoaderData<typeof loader>()
  const { t, locale } = useTranslation()
  const collator = new Intl.Collator(locale)
  const countryChoices = (
    filters.country && !countries.includes(filters.country)
      ? [...countries, filters.country]
      : countries
  )
    .map((code) => ({ code, name: countryName(locale, code) }))
    .sort((a, b) => collator.compare(a.name, b.name))
  const themeLabel = (theme: string) => t(`theme.${theme}` as TranslationKey)
  const themeChoices = themes
    .map((theme) => ({ theme, name: themeLabel(theme) }))
    .sort((a, b) => collator.compare(a.name, b.name))

  return (
    <>
      <h1>{t('actionList.title')}</h1>
      <p className="lead">{t('actionList.intro')}</p>
      {ignored.length > 0 ? (
        <div className="notice-ignored" role="status">
          {ignored.map((name) => (
            <p key={name}>{t(`actionList.ignored.${name}`)}</p>
          ))}
        </div>
      ) : null}

      <section className="action-filters" aria-labelledby="action-filters-heading">
        <h2 id="action-filters-heading">{t('actionList.filters.heading')}</h2>
        {/* Keyed by the filters so that the fields show the new values after a client-side
            navigation (they are uncontrolled), e.g. after "Clear filters". */}
        <Form method="get" action="/actions" key={JSON.stringify(filters)}>
          <div className="field">
            <label htmlFor="action-search">{t('actionList.filters.search')}</label>
            <input
              id="action-search"
              type="search"
              name="q"
              defaultValue={filters.q ?? ''}
              maxLength={ACTION_LIST_QUERY_MAX_LENGTH}
              aria-describedby="action-search-hint"
              autoComplete="off"
            />
            <p id="action-search-hint" className="hint">
              {t('actionList.filters.searchHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="action-country">{t('actionList.filters.country')}</label>
            <select id="action-country" name="country" defaultValue={filters.country ?? ''}>
              <option value="">{t('actionList.filters.anyCountry')}</option>
              {countryChoices.map(({ code, name }) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="action-theme">{t('actionList.filters.theme')}</label>
            <select id="action-theme" name="theme" defaultValue={filters.theme ?? ''}>
              <option value="">{t('actionList.filters.anyTheme')}</option>
              {themeChoices.map(({ theme, name }) => (
                <option key={theme} value={theme}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="action-status">{t('actionList.filters.status')}</label>
            <select id="action-status" name="status" defaultValue={filters.status}>
              <option value="all">{t('actionList.filters.statusAll')}</option>
              <option value="active">{t('actionList.filters.statusActive')}</option>
              <option value="closed">{t('actionList.filters.statusClosed')}</option>
            </select>
          </div>
          <div className="filter-buttons">
            <button type="submit">{t('actionList.filters.submit')}</button>
            <Link to="/actions">{t('actionList.filters.clear')}</Link>
          </div>
        </Form>
      </section>

      <section aria-labelledby="action-results-heading">
        <h2 id="action-results-heading">{t('actionList.found', { count: total })}</h2>
        {actions.length === 0 ? (
          <p>{t('actionList.noResults')}</p>
        ) : (
          <ul className="action-list">
            {actions.map((action) => (
              <li key={action.slug}>
                <ActionCard action={action} />
              </li>
            ))}
          </ul>
        )}
        {pageCount > 1 ? (
          <nav className="pagination" aria-label={t('actionList.pagination.label')}>
            {page > 1 ? (
              <Link to={pageHref(filters, page - 1)} rel="prev">
                {t('actionList.pagination.previous')}
              </Link>
            ) : null}
            <span>{t('actionList.pagination.status', { page, pageCount })}</span>
            {page < pageCount ? (
              <Link to={pageHref(filters, page + 1)} rel="next">
                {t('actionList.pagination.next')}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  )
}
