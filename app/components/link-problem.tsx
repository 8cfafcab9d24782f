import { Link } from '@remix-run/react'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import type { TokenProblem } from '#app/utils/tokens.server.ts'

/** What a person sees when an emailed link is expired, tampered with or incomplete. */
export function LinkProblem({ problem }: { problem: TokenProblem }) {
  const { t } = useTranslation()
  return (
    <div className="status-page" role="alert">
      <h1>{problem === 'expired' ? t('link.expiredHeading') : t('link.invalidHeading')}</h1>
      <p>{problem === 'expired' ? t('link.expiredBody') : t('link.invalidBody')}</p>
      <p>
        <Link to="/actions">{t('error.backHome')}</Link>
      </p>
    </div>
  )
}

/** 410 for an expired link, 400 for one that was never valid. */
export function linkProblemStatus(problem: TokenProblem) {
  return problem === 'expired' ? 410 : 400
}
