import { Link } from '@remix-run/react'
import { countryName } from '#app/utils/countries.ts'
import { formatDate } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'

export type ActionCardData = {
  slug: string
  reference: string | null
  title: string
  summary: string
  atRiskName: string
  country: string
  location: string
  themes: string[]
  deadline: string | null
  signatureGoal: number
  confirmedCount: number
  paused: boolean
  // Only lists that include closed actions set this; the card then says when and how it ended.
  closed?: { on: string; outcome: string | null } | null
}

/** One urgent action in a list: who is at risk, where, the deadline and the count. */
export function ActionCard({ action }: { action: ActionCardData }) {
  const { t, locale } = useTranslation()
  const where = [action.location, countryName(locale, action.country)].filter(Boolean).join(', ')
  return (
    <article className="action-card" aria-labelledby={`action-${action.slug}`}>
      <h3 id={`action-${action.slug}`}>
        <Link to={`/actions/${action.slug}`}>{action.atRiskName}</Link>
      </h3>
      <p className="meta">
        {where}
        {action.reference ? ` · ${t('action.reference', { reference: action.reference })}` : null}
      </p>
      <p>
        <strong>{action.title}</strong>
      </p>
      <p>{action.summary}</p>
      {action.themes.length > 0 ? (
        <ul className="themes">
          {action.themes.map((theme) => (
            <li key={theme}>{t(`theme.${theme}` as Parameters<typeof t>[0])}</li>
          ))}
        </ul>
      ) : null}
      {action.paused ? <p className="notice-paused">{t('action.paused')}</p> : null}
      {action.closed ? (
        <p className="notice-closed">
          {t('actionList.card.closed', { date: formatDate(locale, action.closed.on) })}
          {action.closed.outcome
            ? ` · ${t(`actionList.card.outcome.${action.closed.outcome}` as Parameters<typeof t>[0])}`
            : null}
        </p>
      ) : (
        <p className="meta">
          {action.deadline
            ? t('action.deadline', { date: formatDate(locale, action.deadline) })
            : t('action.noDeadline')}
        </p>
      )}
      <p className="count">
        {t('action.signatures', { count: action.confirmedCount, goal: action.signatureGoal })}
      </p>
      <progress
        max={action.signatureGoal}
        value={Math.min(action.confirmedCount, action.signatureGoal)}
        aria-label={t('action.progressLabel')}
      />
    </article>
  )
}
