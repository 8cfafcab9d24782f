// Hand delivery: nothing is emailed to the officials; their letters are kept, and staff print them
// to hand over. The printable document is one HTML page, a letter per printed page, streamed from
// a database cursor so that memory stays flat however many letters a case has; like an export, it
// reads on a connection of its own, holding an export slot, within time limits. React renders
// every piece, so whatever a supporter typed stays text. Every print is audited, like an export:
// it is personal data leaving the platform.
import { Transform } from 'node:stream'
import { asc, eq, sql } from 'drizzle-orm'
import { renderToStaticMarkup } from 'react-dom/server'
import type { Database } from '#db/client.ts'
import { exportCursor, openExportConnection, type ExportConnection } from '#db/export-connection.ts'
import { actions, authorities } from '#db/schema.ts'
import { letterFor, loadLetterTemplate } from '#jobs/email-loaders.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { countryName } from '#app/utils/countries.ts'
import { createTranslator, formatDate, type Locale, type Translate } from '#app/utils/i18n.ts'
import {
  configuredExportLimits,
  streamedBody,
  type ExportLimits,
} from '#app/utils/streaming.server.ts'
import type { StaffActor } from './action-admin.server.ts'

/** Served from public/: the page's only style (the CSP allows no inline style). */
const STYLESHEET = '/hand-letters.css'
const CURSOR_ROWS = 200

type Authority = {
  id: string
  name: string
  title: string
  salutation: string
  postalAddress: string
  letterCount: number
  template: { language: string; subject: string; body: string } | undefined
}

type LetterRow = {
  authorityId: string
  firstName: string
  lastName: string
  country: string
  message: string | null
  // ISO 8601 in UTC, formatted by the database.
  confirmedAt: string
}

type Case = { reference: string | null; title: string; atRiskName: string }

/** The authorities of an action in their order, with how many letters each has to hand over. */
async function authoritiesWithCounts(db: Database, actionId: string) {
  const rows = await db
    .select({
      id: authorities.id,
      name: authorities.name,
      title: authorities.title,
      salutation: authorities.salutation,
      postalAddress: authorities.postalAddress,
      language: authorities.language,
      letterCount: sql<number>`(
        select count(*)::int from letters l
        join signatures s on s.id = l.signature_id
        join supporters p on p.id = s.supporter_id
        where l.authority_id = authorities.id and l.status = 'hand'
          and s.status = 'confirmed' and p.erased_at is null)`,
    })
    .from(authorities)
    .where(eq(authorities.actionId, actionId))
    .orderBy(asc(authorities.position))
  return Promise.all(
    rows.map(async ({ language, ...authority }): Promise<Authority> => ({
      ...authority,
      template: await loadLetterTemplate(db, actionId, language),
    })),
  )
}

/**
 * The letters kept for hand delivery, grouped by authority (a pile per official), oldest
 * signature first. Letters of erased supporters or withdrawn signatures are left out.
 */
function handLetterRows(connection: ExportConnection, actionId: string) {
  const query = connection.sql<LetterRow[]>`
    select l.authority_id as "authorityId",
           coalesce(s.first_name, p.first_name) as "firstName",
           coalesce(s.last_name, p.last_name) as "lastName",
           s.country,
           s.personal_message as "message",
           to_char(s.confirmed_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "confirmedAt"
    from letters l
    join authorities au on au.id = l.authority_id
    join signatures s on s.id = l.signature_id
    join supporters p on p.id = s.supporter_id
    where au.action_id = ${actionId} and l.status = 'hand'
      and s.status = 'confirmed' and p.erased_at is null
    order by au.position, s.confirmed_at, l.id`
  return exportCursor(connection, query, CURSOR_ROWS)
}

function Head({ title }: { title: string }) {
  return (
    <head>
      <meta charSet="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{title}</title>
      <link rel="stylesheet" href={STYLESHEET} />
    </head>
  )
}

/** The first sheet: which case, how many letters to whom; on screen, how to print them. */
function Cover({
  t,
  locale,
  action,
  actionId,
  authorities,
}: {
  t: Translate
  locale: Locale
  action: Case
  actionId: string
  authorities: Authority[]
}) {
  const total = authorities.reduce((sum, authority) => sum + authority.letterCount, 0)
  return (
    <header className="cover">
      <p className="screen-only">
        <a href={`/admin/actions/${actionId}`}>{t('handLetters.back')}</a>
      </p>
      <h1>{t('handLetters.heading')}</h1>
      <p className="cover-case">
        {action.reference ? `${action.reference} · ` : null}
        {action.title}
      </p>
      <p data-testid="hand-letter-count">{t('handLetters.count', { count: total })}</p>
      {total > 0 ? (
        <ul>
          {authorities
            .filter((authority) => authority.letterCount > 0)
            .map((authority) => (
              <li key={authority.id}>
                {t('handLetters.toAuthority', {
                  count: authority.letterCount,
                  name: authority.name,
                  title: authority.title,
                })}
              </li>
            ))}
        </ul>
      ) : (
        <p>{t('handLetters.none')}</p>
      )}
      <p>{t('handLetters.printedOn', { date: formatDate(locale, new Date().toISOString()) })}</p>
      <p className="screen-only">{t('handLetters.printHint')}</p>
    </header>
  )
}

function LetterPage({
  t,
  locale,
  action,
  authority,
  row,
}: {
  t: Translate
  locale: Locale
  action: Case
  authority: Authority
  row: LetterRow
}) {
  const template = authority.template ?? { language: locale, subject: '', body: '' }
  const { subject, letter } = letterFor(
    template,
    {
      firstName: row.firstName,
      lastName: row.lastName,
      country: row.country,
      message: row.message,
    },
    authority,
    action,
  )
  const date = formatDate(locale, row.confirmedAt)
  return (
    <article className="letter" lang={template.language}>
      <div className="letter-recipient">
        <p className="letter-authority">{authority.name}</p>
        <p>{authority.title}</p>
        {authority.postalAddress ? (
          <p className="letter-address">{authority.postalAddress}</p>
        ) : null}
      </div>
      <p className="letter-date">{date}</p>
      {subject ? <p className="letter-subject">{subject}</p> : null}
      <div className="letter-body">{letter}</div>
      <p className="letter-signatory" lang={locale}>
        {t('handLetters.signedBy', {
          name: `${row.firstName} ${row.lastName}`,
          country: countryName(locale, row.country),
          date,
        })}
        {action.reference ? ` · ${action.reference}` : null}
      </p>
    </article>
  )
}

/**
 * The document around the letters: its head and cover sheet before the first (or before the
 * end, when there are none), each row a letter page, and its close after the last.
 */
function letterDocument({
  actionId,
  action,
  authorityList,
  locale,
}: {
  actionId: string
  action: Case
  authorityList: Authority[]
  locale: Locale
}) {
  const t = createTranslator(locale)
  const byId = new Map(authorityList.map((authority) => [authority.id, authority]))
  const title = t('handLetters.title', { reference: action.reference ?? action.title })
  let started = false
  const start = (stage: Transform) => {
    if (started) return
    started = true
    stage.push(
      `<!doctype html><html lang="${locale}">${renderToStaticMarkup(<Head title={title} />)}<body>`,
    )
    stage.push(
      renderToStaticMarkup(
        <Cover
          t={t}
          locale={locale}
          action={action}
          actionId={actionId}
          authorities={authorityList}
        />,
      ),
    )
    stage.push('<main>')
  }
  return new Transform({
    // Rows in, strings out: strings, not a Buffer each, until streamedBody gathers them.
    writableObjectMode: true,
    readableObjectMode: true,
    transform(row: LetterRow, _encoding, callback) {
      start(this)
      const authority = byId.get(row.authorityId)
      if (!authority) return callback()
      callback(
        null,
        renderToStaticMarkup(
          <LetterPage t={t} locale={locale} action={action} authority={authority} row={row} />,
        ),
      )
    },
    flush(callback) {
      start(this)
      callback(null, '</main></body></html>\n')
    },
  })
}

/**
 * The printable document of an action's letters for hand delivery, streamed. Returns null for an
 * unknown action; throws ExportsBusyError, having read and audited nothing, while as many exports
 * run as may. The audit entry is written before the first byte. `headOnly` (a HEAD request)
 * answers the headers alone: Remix drops a HEAD response's body without cancelling it.
 */
export async function printHandLetters(
  db: Database,
  {
    actionId,
    locale,
    actor,
    headOnly = false,
    signal,
    limits = configuredExportLimits(),
  }: {
    actionId: string
    locale: Locale
    actor: StaffActor
    headOnly?: boolean
    /** The request's: a client gone before the body is read ends the document's query. */
    signal?: AbortSignal
    limits?: ExportLimits
  },
) {
  const [action] = await db
    .select({
      reference: actions.reference,
      title: actions.title,
      atRiskName: actions.atRiskName,
      deliveryMode: actions.deliveryMode,
    })
    .from(actions)
    .where(eq(actions.id, actionId))
  if (!action) return null
  const headers = {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'private, no-store',
    'X-Robots-Tag': 'noindex',
  }
  if (headOnly) return new Response(null, { headers })
  const connection = await openExportConnection(db, limits.concurrency)
  try {
    const authorityList = await authoritiesWithCounts(db, actionId)
    await writeAudit(db, {
      staffUserId: actor.staffUserId,
      event: 'letters.printed',
      entityType: 'action',
      entityId: actionId,
      after: {
        deliveryMode: action.deliveryMode,
        letters: authorityList.reduce((sum, authority) => sum + authority.letterCount, 0),
      },
      ip: actor.ip,
    })
    const body = streamedBody(
      [
        handLetterRows(connection, actionId),
        letterDocument({ actionId, action, authorityList, locale }),
      ],
      'hand letters',
      { signal, limits },
    )
    return new Response(body, { headers })
  } catch (error) {
    connection.end()
    throw error
  }
}
