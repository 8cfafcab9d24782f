import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import {
  Form,
  isRouteErrorResponse,
  useActionData,
  useLoaderData,
  useNavigation,
  useParams,
  useRouteError,
} from '@remix-run/react'
import { CheckboxField, ErrorSummary, Field } from '#app/components/forms.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ShareLinks } from '#app/components/share-links.tsx'
import {
  ActionPageUnavailableError,
  getActionPage,
  type ActionPageData,
} from '#app/models/action-page.server.ts'
import { submitSupporterForm, type SupporterFormResult } from '#app/models/supporter-form.server.ts'
import { HONEYPOT_FIELD, SlugSchema } from '#app/schemas/supporter-forms.ts'
import { countryName, countryOptions } from '#app/utils/countries.ts'
import { createTranslator, formatDate } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { fillLetter } from '#app/utils/letter-template.ts'
import { serviceUnavailable } from '#app/utils/responses.server.ts'
import { headersWithRefusals } from '#app/utils/route-headers.ts'

export const headers = headersWithRefusals()

export async function loader({ params }: LoaderFunctionArgs) {
  const slug = SlugSchema.safeParse(params.slug)
  const action = slug.success ? await readPage(slug.data) : null
  if (!action) throw new Response('Not found', { status: 404 })
  return { action }
}

async function readPage(slug: string) {
  try {
    return await getActionPage(slug)
  } catch (error) {
    if (!(error instanceof ActionPageUnavailableError)) throw error
    console.error(`${error.message} (${slug})`)
    throw serviceUnavailable()
  }
}

export const meta: MetaFunction<typeof loader> = ({ data: loaderData }) => {
  const t = createTranslator('en')
  const action = loaderData?.action
  if (!action) return [{ title: t('error.notFound.title') }]
  const title = t('actionPage.metaTitle', { title: action.title })
  return [
    { title },
    { name: 'description', content: action.summary },
    { tagName: 'link', rel: 'canonical', href: action.url },
    { property: 'og:type', content: 'article' },
    { property: 'og:site_name', content: t('site.name') },
    { property: 'og:title', content: action.title },
    { property: 'og:description', content: action.summary },
    { property: 'og:url', content: action.url },
    { name: 'twitter:card', content: 'summary' },
    { name: 'twitter:title', content: action.title },
    { name: 'twitter:description', content: action.summary },
  ]
}

type ActionResult = SupporterFormResult

export async function action({ request, params, context }: ActionFunctionArgs) {
  // The web server's fast path may have submitted this form already, handing over what came of
  // it for this page to show (see supporter-form-fast-path.server.ts): it is never sent twice.
  const outcome = await (context.submittedSupporterForm ??
    submitSupporterForm({
      slug: params.slug,
      form: await request.formData(),
      acceptLanguage: request.headers.get('accept-language'),
      clientIp: context.clientIp,
    }))
  switch (outcome.kind) {
    case 'redirect':
      return redirect(outcome.location, 303)
    case 'form': {
      const retryAfter = outcome.status === 503 ? 5 : outcome.retryAfterSeconds
      return data<ActionResult>(outcome.result, {
        status: outcome.status,
        headers: retryAfter ? { 'Retry-After': String(retryAfter) } : undefined,
      })
    }
    case 'not-found':
      throw new Response('Not found', { status: 404 })
  }
}

export default function ActionPage() {
  const { action } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  const { t, locale } = useTranslation()
  const where = [action.location, countryName(locale, action.country)].filter(Boolean).join(', ')
  return (
    <article className="action-page">
      <header className="action-header">
        {action.reference ? <p className="reference">{action.reference}</p> : null}
        <h1>{action.title}</h1>
        <dl className="at-risk">
          <dt>{t('actionPage.atRisk')}</dt>
          <dd>{action.atRiskName}</dd>
          <dt>{t('actionPage.where')}</dt>
          <dd>{where}</dd>
        </dl>
        <p className="lead">{action.summary}</p>
        {action.signable ? (
          <p>
            <a className="button-link" href="#sign">
              {t('actionPage.signNowLink')}
            </a>
          </p>
        ) : null}
      </header>

      <StatusNotice action={action} />
      <Progress action={action} />

      <section aria-labelledby="story-heading">
        <h2 id="story-heading">{t('actionPage.storyHeading')}</h2>
        {action.atRiskDescription ? <p>{action.atRiskDescription}</p> : null}
        <div className="prose" dangerouslySetInnerHTML={{ __html: action.storyHtml }} />
      </section>

      <section aria-labelledby="demands-heading">
        <h2 id="demands-heading">{t('actionPage.demandsHeading')}</h2>
        <ol className="demands">
          {action.demands.map((demand) => (
            <li key={demand}>{demand}</li>
          ))}
        </ol>
      </section>

      {action.letter ? <LetterPreview action={action} /> : null}

      {action.signable ? (
        <SignForm result={result?.intent === 'sign' ? result : undefined} />
      ) : null}

      <Timeline action={action} />
      <Authorities action={action} />

      {action.backgroundHtml ? (
        <section aria-labelledby="background-heading">
          <h2 id="background-heading">{t('actionPage.backgroundHeading')}</h2>
          <div className="prose" dangerouslySetInnerHTML={{ __html: action.backgroundHtml }} />
        </section>
      ) : null}

      {action.status === 'active' ? (
        <FollowForm result={result?.intent === 'follow' ? result : undefined} />
      ) : null}
      <ShareLinks url={action.url} atRiskName={action.atRiskName} title={action.title} />
    </article>
  )
}

function StatusNotice({ action }: { action: ActionPageData }) {
  const { t } = useTranslation()
  if (action.status === 'closed') {
    return (
      <section className="notice notice-closed" aria-labelledby="closed-heading">
        <h2 id="closed-heading">{t('actionPage.closedHeading')}</h2>
        {action.outcome ? (
          <p className="outcome">
            <strong>{t(`actionPage.outcome.${action.outcome}`)}</strong>
          </p>
        ) : null}
        {action.outcomeNote ? <p>{action.outcomeNote}</p> : null}
        <p>{t('actionPage.closedBody')}</p>
      </section>
    )
  }
  if (action.paused) {
    return (
      <section className="notice notice-paused" aria-labelledby="paused-heading">
        <h2 id="paused-heading">{t('actionPage.pausedHeading')}</h2>
        <p>{t('actionPage.pausedBody')}</p>
      </section>
    )
  }
  return null
}

function Progress({ action }: { action: ActionPageData }) {
  const { t, locale } = useTranslation()
  return (
    <section className="progress" aria-labelledby="count-heading">
      <h2 id="count-heading" className="visually-hidden">
        {t('actionPage.countHeading')}
      </h2>
      <p className="count" data-testid="signature-count">
        {t('action.signatures', { count: action.confirmedCount, goal: action.signatureGoal })}
      </p>
      <progress
        max={action.signatureGoal}
        value={Math.min(action.confirmedCount, action.signatureGoal)}
        aria-label={t('action.progressLabel')}
      />
      <p className="deadline">
        {action.deadline
          ? t('action.deadline', { date: formatDate(locale, action.deadline) })
          : t('action.noDeadline')}
        {action.deadlinePassed && action.status === 'active'
          ? ` ${t('actionPage.deadlinePassed')}`
          : null}
      </p>
    </section>
  )
}

function LetterPreview({ action }: { action: ActionPageData }) {
  const { t } = useTranslation()
  const target =
    action.authorities.find((authority) => authority.role === 'target') ?? action.authorities[0]
  const body = fillLetter(action.letter!.body, {
    'supporter.firstName': t('actionPage.letterSample.firstName'),
    'supporter.lastName': t('actionPage.letterSample.lastName'),
    'supporter.fullName': `${t('actionPage.letterSample.firstName')} ${t('actionPage.letterSample.lastName')}`,
    'supporter.country': t('actionPage.letterSample.country'),
    'supporter.message': t('actionPage.letterSample.message'),
    'authority.name': target?.name ?? '',
    'authority.title': target?.title ?? '',
    'authority.salutation': target?.salutation ?? '',
    'action.reference': action.reference ?? '',
    'action.atRiskName': action.atRiskName,
  })
  return (
    <section aria-labelledby="letter-heading">
      <h2 id="letter-heading">{t('actionPage.letterHeading')}</h2>
      <p>{t('actionPage.letterIntro')}</p>
      <div className="letter-preview">
        <p className="letter-subject">
          <strong>{action.letter!.subject}</strong>
        </p>
        <p className="letter-body">{body}</p>
      </div>
    </section>
  )
}

function SignForm({ result }: { result: ActionResult | undefined }) {
  const { t, locale } = useTranslation()
  const navigation = useNavigation()
  const errors = result?.errors
  const values = result?.values ?? {}
  const labels = {
    firstName: t('sign.firstName'),
    lastName: t('sign.lastName'),
    email: t('sign.email'),
    country: t('sign.country'),
    message: t('sign.message'),
    consent: t('sign.consent'),
  }
  return (
    <section id="sign" className="sign" aria-labelledby="sign-heading">
      <h2 id="sign-heading">{t('sign.heading')}</h2>
      <p>{t('sign.intro')}</p>
      {/* Re-mounted per submission, so the fields show what was sent back. */}
      <Form method="post" noValidate key={JSON.stringify(values)} action="#sign">
        <ErrorSummary errors={errors} labels={labels} />
        <input type="hidden" name="intent" value="sign" />
        <Field name="firstName" label={labels.firstName} errors={errors?.firstName}>
          {(props) => (
            <input
              {...props}
              type="text"
              autoComplete="given-name"
              maxLength={100}
              defaultValue={values.firstName}
              required
            />
          )}
        </Field>
        <Field name="lastName" label={labels.lastName} errors={errors?.lastName}>
          {(props) => (
            <input
              {...props}
              type="text"
              autoComplete="family-name"
              maxLength={100}
              defaultValue={values.lastName}
              required
            />
          )}
        </Field>
        <Field name="email" label={labels.email} hint={t('sign.emailHint')} errors={errors?.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="email"
              inputMode="email"
              maxLength={254}
              defaultValue={values.email}
              required
            />
          )}
        </Field>
        <Field name="country" label={labels.country} errors={errors?.country}>
          {(props) => (
            <select {...props} autoComplete="country" defaultValue={values.country ?? ''} required>
              <option value="">{t('sign.countryPlaceholder')}</option>
              {countryOptions(locale).map((country) => (
                <option key={country.code} value={country.code}>
                  {country.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="message"
          label={labels.message}
          hint={t('sign.messageHint')}
          errors={errors?.message}
        >
          {(props) => (
            <textarea {...props} rows={4} maxLength={1000} defaultValue={values.message} />
          )}
        </Field>
        <div className="honeypot" aria-hidden="true">
          <label htmlFor={`field-${HONEYPOT_FIELD}`}>{t('sign.honeypot')}</label>
          <input
            id={`field-${HONEYPOT_FIELD}`}
            type="text"
            name={HONEYPOT_FIELD}
            tabIndex={-1}
            autoComplete="off"
          />
        </div>
        <CheckboxField
          name="consent"
          label={labels.consent}
          errors={errors?.consent}
          defaultChecked={values.consent === 'on'}
        />
        <CheckboxField
          name="follow"
          label={t('sign.follow')}
          defaultChecked={values.follow === 'on'}
        />
        <CheckboxField name="news" label={t('sign.news')} defaultChecked={values.news === 'on'} />
        <button type="submit" disabled={navigation.state === 'submitting'}>
          {t('sign.submit')}
        </button>
        <p className="field-hint">
          {t('sign.privacy')} <a href="/my-data">{t('sign.myDataLink')}</a>
        </p>
      </Form>
    </section>
  )
}

function FollowForm({ result }: { result: ActionResult | undefined }) {
  const { t } = useTranslation()
  const errors = result?.errors
  const values = result?.values ?? {}
  return (
    <section id="follow" className="follow" aria-labelledby="follow-heading">
      <h2 id="follow-heading">{t('follow.heading')}</h2>
      <p>{t('follow.intro')}</p>
      <Form method="post" noValidate key={JSON.stringify(values)} action="#follow">
        <ErrorSummary
          errors={errors}
          labels={{ email: t('follow.email'), consent: t('follow.consent') }}
          idPrefix="follow-"
        />
        <input type="hidden" name="intent" value="follow" />
        <Field name="email" idPrefix="follow-" label={t('follow.email')} errors={errors?.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="email"
              maxLength={254}
              defaultValue={values.email}
              required
            />
          )}
        </Field>
        <CheckboxField
          name="consent"
          idPrefix="follow-"
          label={t('follow.consent')}
          errors={errors?.consent}
          defaultChecked={values.consent === 'on'}
        />
        <button type="submit">{t('follow.submit')}</button>
      </Form>
    </section>
  )
}

function Timeline({ action }: { action: ActionPageData }) {
  const { t, locale } = useTranslation()
  return (
    <section aria-labelledby="updates-heading">
      <h2 id="updates-heading">{t('actionPage.updatesHeading')}</h2>
      {action.updates.length === 0 ? (
        <p>{t('actionPage.noUpdates')}</p>
      ) : (
        <ol className="timeline" reversed>
          {[...action.updates].reverse().map((update) => (
            <li key={update.sequence}>
              <article aria-labelledby={`update-${update.sequence}`}>
                <p className="reference">
                  {t('actionPage.update.label', {
                    reference: action.reference ?? '',
                    sequence: update.sequence,
                  })}
                  {' · '}
                  {t('actionPage.update.published', {
                    date: formatDate(locale, update.publishedAt),
                  })}
                </p>
                <h3 id={`update-${update.sequence}`}>{update.title}</h3>
                {update.outcome && update.title !== t(`actionPage.outcome.${update.outcome}`) ? (
                  <p className="outcome">
                    <strong>{t(`actionPage.outcome.${update.outcome}`)}</strong>
                  </p>
                ) : null}
                <div className="prose" dangerouslySetInnerHTML={{ __html: update.bodyHtml }} />
              </article>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function Authorities({ action }: { action: ActionPageData }) {
  const { t } = useTranslation()
  return (
    <section aria-labelledby="authorities-heading">
      <h2 id="authorities-heading">{t('actionPage.authoritiesHeading')}</h2>
      <ul className="authorities">
        {action.authorities.map((authority) => (
          <li key={`${authority.name}-${authority.title}`}>
            {authority.role === 'copy' ? (
              <span className="tag">{t('actionPage.authority.copy')}</span>
            ) : null}
            <strong>{authority.name}</strong>, {authority.title}
            {authority.postalAddress ? <address>{authority.postalAddress}</address> : null}
          </li>
        ))}
      </ul>
    </section>
  )
}

/**
 * A signer whose form came back 503 (the database away) on a page this process could not show
 * either still has what they typed: it waits here, ready to send again.
 */
export function ErrorBoundary() {
  const error = useRouteError()
  const result = useActionData<typeof action>() as ActionResult | undefined
  if (isRouteErrorResponse(error) && error.status === 503 && result?.values)
    return <SendAgain result={result} />
  return <GeneralErrorBoundary />
}

function SendAgain({ result }: { result: ActionResult }) {
  const { t } = useTranslation()
  const { slug } = useParams()
  const { values } = result
  const name = [values.firstName, values.lastName].filter(Boolean).join(' ')
  return (
    <div className="error-page" role="alert">
      <h1>
        {t(result.intent === 'follow' ? 'sendAgain.follow.heading' : 'sendAgain.sign.heading')}
      </h1>
      <p>{t('sendAgain.body')}</p>
      <dl className="send-again-details">
        {name ? (
          <>
            <dt>{t('sendAgain.name')}</dt>
            <dd>{name}</dd>
          </>
        ) : null}
        {values.email ? (
          <>
            <dt>{t('sendAgain.email')}</dt>
            <dd>{values.email}</dd>
          </>
        ) : null}
      </dl>
      <Form method="post" action={`/actions/${slug}#sign`}>
        {Object.entries(values).map(([field, value]) => (
          <input key={field} type="hidden" name={field} value={value} />
        ))}
        <button type="submit">{t('sendAgain.submit')}</button>
      </Form>
    </div>
  )
}
