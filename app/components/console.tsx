// Pieces of the campaign console shared by its pages: status labels, the signatures chart, and
// small notices. Everything renders on the server and reads without JavaScript.
import { useEffect, useRef, type ReactNode } from 'react'
import { formatDate, type TranslationKey } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'

export type ActionStatus = 'draft' | 'active' | 'closed'

export function StatusBadge({ status, paused }: { status: ActionStatus; paused?: boolean }) {
  const { t } = useTranslation()
  return (
    <span className={`console-status console-status-${paused ? 'paused' : status}`}>
      {paused && status === 'active' ? t('console.status.paused') : t(`console.status.${status}`)}
    </span>
  )
}

/**
 * A message after a change: "Saved", or what went wrong. Announced to screen readers. One that
 * greets a page just loaded (`focusOnMount`) takes the focus, since a live region already on the
 * page when it loads is not reliably read out.
 */
export function ConsoleNotice({
  tone = 'success',
  focusOnMount = false,
  children,
}: {
  tone?: 'success' | 'error'
  focusOnMount?: boolean
  children: ReactNode
}) {
  const notice = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (focusOnMount) notice.current?.focus()
  }, [focusOnMount])
  return (
    <div
      ref={notice}
      className={`console-notice console-notice-${tone}`}
      role={tone === 'error' ? 'alert' : 'status'}
      tabIndex={focusOnMount ? -1 : undefined}
    >
      {children}
    </div>
  )
}

export type DayCount = { day: string; confirmed: number; pending: number }

const CHART = { width: 640, height: 200, top: 10, bottom: 24, left: 40, right: 8 }

/**
 * Signatures per day as an inline SVG bar chart (confirmed stacked under pending), with the same
 * numbers in a table for screen readers and anyone who prefers them. No script needed.
 */
export function SignaturesChart({ days }: { days: DayCount[] }) {
  const { t, locale } = useTranslation()
  const top = Math.max(1, ...days.map((day) => day.confirmed + day.pending))
  const plotHeight = CHART.height - CHART.top - CHART.bottom
  const slot = (CHART.width - CHART.left - CHART.right) / days.length
  const y = (value: number) => CHART.top + plotHeight - (value / top) * plotHeight
  const total = days.reduce((sum, day) => sum + day.confirmed + day.pending, 0)
  const first = days[0]?.day ?? ''
  const last = days.at(-1)?.day ?? ''
  const short = (day: string) =>
    new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
      new Date(`${day}T00:00:00Z`),
    )
  return (
    <figure className="console-chart">
      <svg
        viewBox={`0 0 ${CHART.width} ${CHART.height}`}
        role="img"
        aria-labelledby="chart-title chart-desc"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="chart-title">{t('console.dashboard.chartTitle')}</title>
        <desc id="chart-desc">
          {t('console.dashboard.chartDesc', {
            total,
            from: formatDate(locale, first),
            to: formatDate(locale, last),
            max: top,
          })}
        </desc>
        <line
          className="chart-axis"
          x1={CHART.left}
          x2={CHART.width - CHART.right}
          y1={y(0)}
          y2={y(0)}
        />
        <text className="chart-label" x={CHART.left - 4} y={y(top) + 4} textAnchor="end">
          {top}
        </text>
        <text className="chart-label" x={CHART.left - 4} y={y(0)} textAnchor="end">
          0
        </text>
        {days.map((day, i) => {
          const x = CHART.left + i * slot + slot * 0.15
          const width = slot * 0.7
          return (
            <g key={day.day}>
              <rect
                className="chart-bar-confirmed"
                x={x}
                width={width}
                y={y(day.confirmed)}
                height={y(0) - y(day.confirmed)}
              />
              <rect
                className="chart-bar-pending"
                x={x}
                width={width}
                y={y(day.confirmed + day.pending)}
                height={y(day.confirmed) - y(day.confirmed + day.pending)}
              />
            </g>
          )
        })}
        <text className="chart-label" x={CHART.left} y={CHART.height - 6}>
          {short(first)}
        </text>
        <text
          className="chart-label"
          x={CHART.width - CHART.right}
          y={CHART.height - 6}
          textAnchor="end"
        >
          {short(last)}
        </text>
      </svg>
      <figcaption>
        <span className="chart-key chart-key-confirmed" aria-hidden="true" />{' '}
        {t('console.dashboard.confirmed')}{' '}
        <span className="chart-key chart-key-pending" aria-hidden="true" />{' '}
        {t('console.dashboard.pending')}
      </figcaption>
      <details className="console-chart-table">
        <summary>{t('console.dashboard.chartTable')}</summary>
        <table className="console-table">
          <caption className="visually-hidden">{t('console.dashboard.chartTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('console.dashboard.day')}</th>
              <th scope="col">{t('console.dashboard.confirmed')}</th>
              <th scope="col">{t('console.dashboard.pending')}</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <th scope="row">{formatDate(locale, day.day)}</th>
                <td>{day.confirmed}</td>
                <td>{day.pending}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}

/** The translation of a key built from data (an enum value), typed as a key. */
export function enumKey(prefix: string, value: string) {
  return `${prefix}.${value}` as TranslationKey
}
