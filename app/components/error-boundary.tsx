import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useTranslation } from '#app/utils/i18n-react.tsx'

/** One error page for every route: expected statuses get their own words, anything else a 500. */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  if (!isRouteErrorResponse(error)) console.error(error)
  const status = isRouteErrorResponse(error) ? error.status : 500
  let title = t('error.generic.title')
  let body = t('error.generic.body')
  if (status === 404) {
    title = t('error.notFound.title')
    body = t('error.notFound.body')
  } else if (status === 429) {
    const seconds =
      Number((error as { data?: { retryAfterSeconds?: number } }).data?.retryAfterSeconds) || 60
    title = t('error.tooMany.title')
    body = t('error.tooMany.body', { minutes: Math.max(1, Math.ceil(seconds / 60)) })
  } else if (status === 503) {
    title = t('error.unavailable.title')
    body = t('error.unavailable.body')
  } else if (status === 403) {
    title = t('error.forbidden.title')
    body = t('error.forbidden.body')
  }
  return (
    <div className="error-page" role="alert">
      <h1>{title}</h1>
      <p>{body}</p>
      <p>
        <Link to="/">{t('error.backHome')}</Link>
      </p>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
