import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import {
  Form,
  useActionData,
  useLoaderData,
  useLocation,
  useNavigation,
  useSearchParams,
} from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { ConsoleNotice, SignaturesChart, enumKey } from '#app/components/console.tsx'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import {
  actionIdParam,
  closeAction,
  getActionDashboard,
  launchAction,
  launchProblems,
  requireConsoleAction,
  setActionPaused,
  type LaunchProblem,
} from '#app/models/action-admin.server.ts'
import {
  ACTION_OUTCOMES,
  CloseActionSchema,
  PauseActionSchema,
  parseStaffForm,
  type FormValues,
} from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { countryName } from '#app/utils/countries.ts'
import { getDb } from '#app/utils/db.server.ts'
import { formatDate } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { ROLE_RANK, requireStaff, requireStaffAction } from '#app/utils/session.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user } = await requireStaff(request, 'viewer')
  const db = getDb()
  const action = await requireConsoleAction(db, actionIdParam(params))
  const [dashboard, problems] = await Promise.all([
    getActionDashboard(db, action.id),
    action.status === 'draft' ? launchProblems(db, action) : Promise.resolve([]),
  ])
  return {
    action: {
      id: action.id,
      status: action.status,
      reference: action.reference,
      pausedAt: action.pausedAt,
      pausedReason: action.pausedReason,
      outcome: action.outcome,
      outcomeNote: action.outcomeNote,
      launchedAt: action.launchedAt,
      closedAt: action.closedAt,
      deadline: action.deadline,
      signatureGoal: action.signatureGoal,
      deliveryMode: action.deliveryMode,
    },
    problems,
    dashboard,
    canEdit: ROLE_RANK[user.role] >= ROLE_RANK.editor,
  }
}

type ActionResult =
  | { intent: 'launch'; missing: LaunchProblem[] }
  | { intent: 'pause' | 'close'; errors: FieldErrors; values: FormValues }
  | { intent: 'conflict' }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { session, formData } = await requireStaffAction(request, 'editor')
  const id = actionIdParam(params)
  const db = getDb()
  const actor = { staffUserId: session.user.id, ip: context.clientIp }
  const done = (what: string) => redirect(`/admin/actions/${id}?done=${what}`, 303)
  const conflict = () => data<ActionResult>({ intent: 'conflict' }, 409)
  switch (formData.get('intent')) {
    case 'launch': {
      const result = await launchAction(db, { id, actor })
      if (result.status === 'not-found') throw new Response('Not found', { status: 404 })
      if (result.status === 'incomplete')
        return data<ActionResult>({ intent: 'launch', missing: result.missing }, 409)
      if (result.status === 'not-draft') return conflict()
      return done('launched')
    }
    case 'pause': {
      const parsed = parseStaffForm(PauseActionSchema, formData)
      if (!parsed.ok)
        return data<ActionResult>(
          { intent: 'pause', errors: parsed.errors, values: parsed.values },
          400,
        )
      const result = await setActionPaused(db, {
        id,
        paused: true,
        reason: parsed.data.reason,
        actor,
      })
      if (result.status === 'not-found') throw new Response('Not found', { status: 404 })
      return result.status === 'not-active' ? conflict() : done('paused')
    }
    case 'resume': {
      const result = await setActionPaused(db, { id, paused: false, actor })
      if (result.status === 'not-found') throw new Response('Not found', { status: 404 })
      return result.status === 'not-active' ? conflict() : done('resumed')
    }
    case 'close': {
      const parsed = parseStaffForm(CloseActionSchema, formData)
      if (!parsed.ok)
        return data<ActionResult>(
          { intent: 'close', errors: parsed.errors, values: parsed.values },
          400,
        )
      const result = await closeAction(db, {
        id,
        outcome: parsed.data.outcome,
        outcomeNote: parsed.data.outcomeNote,
        actor,
      })
      if (result.status === 'not-found') throw new Response('Not found', { status: 404 })
      return result.status === 'not-active' ? conflict() : done('closed')
    }
    default:
      throw new Response('Bad request', { status: 400 })
  }
}

const DONE = ['launched', 'paused', 'resumed', 'closed'] as const

export default function ActionOverview() {
  const { action, problems, dashboard, canEdit } = useLoaderData<typeof loader>()
  const result = useActionData() as ActionResult | undefined
  const [searchParams, setSearchParams] = useSearchParams()
  const { t, locale } = useTranslation()
  const done = DONE.find((what) => what === searchParams.get('done'))
  // Sent back by an export refused for want of a slot (see exportUnlessBusy). The parameter is
  // taken out of the address, so that a reload does not say it again; any other visit to the
  // page, or trying an export again, ends the notice.
  const location = useLocation()
  const [exportsBusy, setExportsBusy] = useState(() => searchParams.get('busy') === 'exports')
  const arrivedOn = useRef(location.key)
  useEffect(() => {
    if (searchParams.has('busy')) {
      setSearchParams(
        (params) => {
          params.delete('busy')
          return params
        },
        { replace: true, preventScrollReset: true, state: { busyTakenOut: true } },
      )
    } else if (
      location.key !== arrivedOn.current &&
      !(location.state as { busyTakenOut?: boolean } | null)?.busyTakenOut
    ) {
      setExportsBusy(false)
    }
  }, [searchParams, setSearchParams, location.key, location.state])
  const exportTried = () => setExportsBusy(false)
  return (
    <>
      {exportsBusy ? (
        <ConsoleNotice tone="error" focusOnMount>
          {t('console.export.busy')}
        </ConsoleNotice>
      ) : null}
      {done ? (
        <ConsoleNotice>
          {t(enumKey('console.done', done), { reference: action.reference ?? '' })}
        </ConsoleNotice>
      ) : null}
      {result?.intent === 'conflict' ? (
        <ConsoleNotice tone="error">{t('console.error.conflict')}</ConsoleNotice>
      ) : null}

      {canEdit && action.status === 'draft' ? (
        <LaunchSection
          problems={result?.intent === 'launch' ? result.missing : problems}
          failed={result?.intent === 'launch'}
        />
      ) : null}
      {canEdit && action.status === 'active' ? (
        <>
          <PauseSection action={action} result={result?.intent === 'pause' ? result : undefined} />
          <CloseSection
            paused={action.pausedAt !== null}
            result={result?.intent === 'close' ? result : undefined}
          />
        </>
      ) : null}
      {action.status === 'closed' ? (
        <section className="console-panel" aria-labelledby="closed-heading">
          <h2 id="closed-heading">{t('console.closed.heading')}</h2>
          <p>
            {t('console.closed.on', { date: formatDate(locale, action.closedAt ?? '') })}{' '}
            {action.outcome ? (
              <strong>{t(enumKey('console.outcome', action.outcome))}</strong>
            ) : (
              t('console.closed.noOutcome')
            )}
          </p>
          {action.outcomeNote ? <p>{action.outcomeNote}</p> : null}
        </section>
      ) : null}

      <section className="console-panel" aria-labelledby="numbers-heading">
        <h2 id="numbers-heading">{t('console.dashboard.heading')}</h2>
        <dl className="console-stats">
          <div>
            <dt>{t('console.dashboard.confirmed')}</dt>
            <dd data-testid="confirmed-count">{dashboard.confirmed.toLocaleString(locale)}</dd>
          </div>
          <div>
            <dt>{t('console.dashboard.pending')}</dt>
            <dd>{dashboard.pending.toLocaleString(locale)}</dd>
          </div>
          <div>
            <dt>{t('console.dashboard.goal')}</dt>
            <dd>{action.signatureGoal.toLocaleString(locale)}</dd>
          </div>
          <div>
            <dt>{t('console.dashboard.followers')}</dt>
            <dd>{dashboard.followers.toLocaleString(locale)}</dd>
          </div>
          <div>
            <dt>{t('console.dashboard.deadline')}</dt>
            <dd>{action.deadline ? formatDate(locale, action.deadline) : '—'}</dd>
          </div>
        </dl>
        <h3>{t('console.dashboard.perDay')}</h3>
        <SignaturesChart days={dashboard.days} />
      </section>

      <div className="console-columns">
        <section className="console-panel" aria-labelledby="countries-heading">
          <h2 id="countries-heading">{t('console.dashboard.countries')}</h2>
          {dashboard.countries.length === 0 ? (
            <p>{t('console.dashboard.noSignatures')}</p>
          ) : (
            <table className="console-table">
              <thead>
                <tr>
                  <th scope="col">{t('console.dashboard.country')}</th>
                  <th scope="col" className="numeric">
                    {t('console.dashboard.confirmed')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {dashboard.countries.map((row) => (
                  <tr key={row.country}>
                    <th scope="row">{countryName(locale, row.country)}</th>
                    <td className="numeric">{row.count.toLocaleString(locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="console-panel" aria-labelledby="delivery-heading">
          <h2 id="delivery-heading">{t('console.dashboard.delivery')}</h2>
          <table className="console-table">
            <caption>{t('console.dashboard.letters')}</caption>
            <tbody>
              {(['queued', 'sent', 'failed', 'suppressed', 'hand'] as const).map((status) => (
                <tr key={status}>
                  <th scope="row">{t(enumKey('console.letterStatus', status))}</th>
                  <td className="numeric">{dashboard.letters[status].toLocaleString(locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="console-table">
            <caption>{t('console.dashboard.bounces')}</caption>
            <tbody>
              <tr>
                <th scope="row">{t('console.dashboard.bounce')}</th>
                <td className="numeric">{dashboard.bounces.bounce.toLocaleString(locale)}</td>
              </tr>
              <tr>
                <th scope="row">{t('console.dashboard.complaint')}</th>
                <td className="numeric">{dashboard.bounces.complaint.toLocaleString(locale)}</td>
              </tr>
            </tbody>
          </table>
        </section>
      </div>

      {canEdit && (action.deliveryMode === 'hand' || dashboard.letters.hand > 0) ? (
        <section className="console-panel" aria-labelledby="hand-letters-heading">
          <h2 id="hand-letters-heading">{t('handLetters.consoleHeading')}</h2>
          <p>
            {t(
              action.deliveryMode === 'hand'
                ? 'handLetters.consoleIntro'
                : 'handLetters.consoleIntroSome',
              { count: dashboard.letters.hand },
            )}
          </p>
          <ul className="console-links">
            <li>
              <a href={`/admin/actions/${action.id}/hand-letters`} onClick={exportTried}>
                {t('handLetters.link')}
              </a>
            </li>
          </ul>
        </section>
      ) : null}
      {canEdit && action.status !== 'draft' ? (
        <section className="console-panel" aria-labelledby="export-heading">
          <h2 id="export-heading">{t('console.export.heading')}</h2>
          <p>{t('console.export.intro')}</p>
          <ul className="console-links">
            <li>
              {/* No `download` attribute: the file comes as an attachment, and a refused export
                  (every slot taken) comes back to this page, which says why. */}
              <a href={`/admin/actions/${action.id}/export.csv`} onClick={exportTried}>
                {t('console.export.csv')}
              </a>
            </li>
            <li>
              <a href={`/admin/actions/${action.id}/export.json`} onClick={exportTried}>
                {t('console.export.json')}
              </a>
            </li>
          </ul>
        </section>
      ) : null}
    </>
  )
}

function LaunchSection({ problems, failed }: { problems: LaunchProblem[]; failed: boolean }) {
  const { t } = useTranslation()
  const navigation = useNavigation()
  return (
    <section className="console-panel" aria-labelledby="launch-heading">
      <h2 id="launch-heading">{t('console.launch.heading')}</h2>
      {problems.length > 0 ? (
        <div
          className={failed ? 'error-summary' : 'console-checklist'}
          role={failed ? 'alert' : undefined}
        >
          <p>{failed ? t('console.launch.refused') : t('console.launch.notReady')}</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{t(enumKey('console.launch.missing', problem))}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p>{t('console.launch.ready')}</p>
      )}
      <Form method="post">
        <CsrfInput />
        <button
          type="submit"
          name="intent"
          value="launch"
          disabled={navigation.state === 'submitting'}
        >
          {t('console.launch.submit')}
        </button>
      </Form>
    </section>
  )
}

function PauseSection({
  action,
  result,
}: {
  action: { pausedAt: string | null; pausedReason: string | null }
  result?: { errors: FieldErrors; values: FormValues }
}) {
  const { t, locale } = useTranslation()
  if (action.pausedAt) {
    return (
      <section className="console-panel console-paused" aria-labelledby="pause-heading">
        <h2 id="pause-heading">{t('console.pause.pausedHeading')}</h2>
        <p>{t('console.pause.pausedSince', { date: formatDate(locale, action.pausedAt) })}</p>
        {action.pausedReason ? (
          <p>{t('console.pause.reasonWas', { reason: action.pausedReason })}</p>
        ) : null}
        <Form method="post">
          <CsrfInput />
          <button type="submit" name="intent" value="resume">
            {t('console.pause.resume')}
          </button>
        </Form>
      </section>
    )
  }
  return (
    <section className="console-panel" aria-labelledby="pause-heading">
      <h2 id="pause-heading">{t('console.pause.heading')}</h2>
      <p>{t('console.pause.intro')}</p>
      <Form method="post" noValidate key={JSON.stringify(result?.values ?? {})}>
        <CsrfInput />
        <ErrorSummary
          errors={result?.errors}
          labels={{ reason: t('console.field.pauseReason') }}
          idPrefix="pause-"
        />
        <Field
          name="reason"
          idPrefix="pause-"
          label={t('console.field.pauseReason')}
          hint={t('console.hint.pauseReason')}
          errors={result?.errors.reason}
        >
          {(props) => (
            <input
              {...props}
              type="text"
              maxLength={500}
              defaultValue={typeof result?.values.reason === 'string' ? result.values.reason : ''}
            />
          )}
        </Field>
        <button type="submit" name="intent" value="pause" className="danger">
          {t('console.pause.submit')}
        </button>
      </Form>
    </section>
  )
}

function CloseSection({
  paused,
  result,
}: {
  paused: boolean
  result?: { errors: FieldErrors; values: FormValues }
}) {
  const { t } = useTranslation()
  const values = result?.values ?? {}
  const value = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '')
  const labels = {
    outcome: t('console.field.outcome'),
    outcomeNote: t('console.field.outcomeNote'),
  }
  return (
    <section className="console-panel" aria-labelledby="close-heading">
      <h2 id="close-heading">{t('console.close.heading')}</h2>
      <p>{t('console.close.intro')}</p>
      {paused ? <p className="notice-paused">{t('console.close.endsPause')}</p> : null}
      <Form method="post" noValidate key={JSON.stringify(values)}>
        <CsrfInput />
        <ErrorSummary errors={result?.errors} labels={labels} idPrefix="close-" />
        <Field
          name="outcome"
          idPrefix="close-"
          label={labels.outcome}
          errors={result?.errors.outcome}
        >
          {(props) => (
            <select {...props} defaultValue={value('outcome')}>
              <option value="">{t('console.close.chooseOutcome')}</option>
              {ACTION_OUTCOMES.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {t(enumKey('console.outcome', outcome))}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="outcomeNote"
          idPrefix="close-"
          label={labels.outcomeNote}
          hint={t('console.hint.outcomeNote')}
          errors={result?.errors.outcomeNote}
        >
          {(props) => (
            <textarea {...props} rows={3} maxLength={2000} defaultValue={value('outcomeNote')} />
          )}
        </Field>
        <button type="submit" name="intent" value="close" className="danger">
          {t('console.close.submit')}
        </button>
      </Form>
    </section>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
