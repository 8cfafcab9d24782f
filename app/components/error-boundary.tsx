import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useTranslation } from '#app/utils/i18n-react.tsx'

/** One error page for every route: expected statuses get their own words, anything else a 500. */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const notFound = isRouteErrorResponse(error) && error.status === 404
  if (!isRouteErrorResponse(error)) console.error(error)
  return (
    <div className="error-page" role="alert">
      <h1>{notFound ? t('error.notFound.title') : t('error.generic.title')}</h1>
      <p>{notFound ? t('error.notFound.body') : t('error.generic.body')}</p>
      <p>
        <Link to="/">{t('error.backHome')}</Link>
      </p>
    </div>
  )
}
