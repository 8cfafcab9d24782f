// Exports of an action's confirmed signatures, for hand-over and printing. They are streamed, so
// memory stays flat whether a case has a hundred signatures or a million. The CSV is written by
// PostgreSQL itself (COPY), its bytes passed on as they come: a million rows never become a
// million JavaScript objects and strings, which took a serving process up by 100 MB or more. A
// download abandoned part way cancels its COPY (see copyOut).
// The JSON is read through a cursor. Each export reads on a connection of its own, holding one
// of the few export slots (see openExportConnection), within time limits (see streamedBody).
// Every export is audited (personal data leaving the platform).
import { Transform } from 'node:stream'
import { stringify } from 'csv-stringify/sync'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '#db/client.ts'
import { copyOut } from '#db/copy-out.ts'
import { exportCursor, openExportConnection, type ExportConnection } from '#db/export-connection.ts'
import { actions } from '#db/schema.ts'
import { neutralisedCsvCellSql } from '#app/utils/csv-safety.ts'
import { writeAudit } from '#app/utils/audit.server.ts'
import { createTranslator, defaultLocale } from '#app/utils/i18n.ts'
import {
  configuredExportLimits,
  startingWith,
  streamedBody,
  type ExportLimits,
} from '#app/utils/streaming.server.ts'
import type { StaffActor } from './action-admin.server.ts'

export type ExportFormat = 'csv' | 'json'

type ExportRow = {
  reference: string | null
  // ISO 8601 in UTC, formatted by the database.
  signedAt: string
  confirmedAt: string | null
  firstName: string | null
  lastName: string | null
  email: string | null
  country: string
  personalMessage: string | null
}

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`

/** Each column of an export, in order, and the SQL that reads it. */
const COLUMNS: { [K in keyof ExportRow]: string } = {
  reference: 'a.reference',
  signedAt: `to_char(s.created_at at time zone 'utc', ${ISO_UTC})`,
  confirmedAt: `to_char(s.confirmed_at at time zone 'utc', ${ISO_UTC})`,
  firstName: 'p.first_name',
  lastName: 'p.last_name',
  email: 'p.email',
  country: 's.country',
  personalMessage: 's.personal_message',
}

/**
 * The confirmed signatures of an action, oldest confirmation first, as SQL `select`ing `cells`
 * for the action whose id is `actionIdSql` (a parameter, or a literal where none can be given).
 */
function confirmedSignaturesSql(cells: string, actionIdSql: string) {
  return `select ${cells}
    from signatures s
    join supporters p on p.id = s.supporter_id
    join actions a on a.id = s.action_id
    where s.action_id = ${actionIdSql} and s.status = 'confirmed'
    order by s.confirmed_at, s.id`
}

// Rows still being encoded when the young generation is collected move to the old one and stay
// until a full collection: small batches keep fewer alive.
const CURSOR_ROWS = 200

/** The confirmed signatures as objects, read through a cursor (for JSON). */
function confirmedSignatureRows(connection: ExportConnection, actionId: string) {
  const cells = Object.entries(COLUMNS)
    .map(([key, expression]) => `${expression} as "${key}"`)
    .join(', ')
  const query = connection.sql.unsafe<ExportRow[]>(confirmedSignaturesSql(cells, '$1'), [actionId])
  return exportCursor(connection, query, CURSOR_ROWS)
}

/**
 * The confirmed signatures as CSV bytes, quoted by PostgreSQL (RFC 4180, as csv-stringify
 * writes the header), every text cell neutralised against formula injection. A byte order mark
 * first: Excel reads a UTF-8 file without one as the local code page. Resolves once PostgreSQL
 * has started the COPY, and throws if it failed before its first rows, so that such a failure
 * comes before the response starts.
 */
async function confirmedSignaturesCsv(connection: ExportConnection, actionId: string) {
  const t = createTranslator(defaultLocale)
  const header = stringify(
    [(Object.keys(COLUMNS) as (keyof ExportRow)[]).map((key) => t(`console.export.column.${key}`))],
    { bom: true },
  )
  // An empty text is written as nothing, as no value is (COPY would quote it: "").
  const cells = Object.values(COLUMNS)
    .map((expression) => `nullif(${neutralisedCsvCellSql(expression)}, '')`)
    .join(', ')
  // COPY takes no parameters: the id is written into the text, as the database gave it (a UUID,
  // checked again here), so nothing else can be.
  const id = z.guid().parse(actionId)
  connection.assertHeld()
  const rows = await copyOut(
    connection.sql,
    `copy (${confirmedSignaturesSql(cells, `'${id}'`)}) to stdout with (format csv)`,
  )
  if (rows.errored) throw rows.errored
  return [rows, startingWith(Buffer.from(header))] as const
}

function jsonStream() {
  let first = true
  return new Transform({
    // Rows in, strings out: strings, not a Buffer each, until streamedBody gathers them.
    writableObjectMode: true,
    readableObjectMode: true,
    transform(row: ExportRow, _encoding, callback) {
      callback(null, `${first ? '[\n' : ',\n'}${JSON.stringify(row)}`)
      first = false
    },
    flush(callback) {
      callback(null, first ? '[]\n' : '\n]\n')
    },
  })
}

function fileName(reference: string | null, slug: string, format: ExportFormat) {
  const base = reference ? reference.toLowerCase().replace(/[^a-z0-9]+/g, '-') : slug
  return `${base}-signatures.${format}`
}

/**
 * Streams an action's confirmed signatures as CSV (cells neutralised against formula injection)
 * or JSON. Returns null for an unknown action; throws ExportsBusyError, having read and audited
 * nothing, while as many exports run as may. The audit entry is written before the first byte.
 * `headOnly` (a HEAD request) answers the headers alone and reads nothing: Remix drops a HEAD
 * response's body without cancelling it, which would leave the export's query and its connection
 * waiting for good.
 */
export async function exportConfirmedSignatures(
  db: Database,
  {
    actionId,
    format,
    actor,
    headOnly = false,
    signal,
    limits = configuredExportLimits(),
  }: {
    actionId: string
    format: ExportFormat
    actor: StaffActor
    headOnly?: boolean
    /** The request's: a client gone before the body is read ends the export's query. */
    signal?: AbortSignal
    limits?: ExportLimits
  },
) {
  const [action] = await db
    .select({ id: actions.id, slug: actions.slug, reference: actions.reference })
    .from(actions)
    .where(eq(actions.id, actionId))
  if (!action) return null
  const headers = {
    'Content-Type':
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="${fileName(action.reference, action.slug, format)}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  }
  if (headOnly) return new Response(null, { headers })
  const connection = await openExportConnection(db, limits.concurrency)
  try {
    await writeAudit(db, {
      staffUserId: actor.staffUserId,
      event: 'signatures.exported',
      entityType: 'action',
      entityId: action.id,
      after: { format },
      ip: actor.ip,
    })
    const stages =
      format === 'csv'
        ? await confirmedSignaturesCsv(connection, action.id)
        : ([confirmedSignatureRows(connection, action.id), jsonStream()] as const)
    return new Response(streamedBody([...stages], 'signature export', { signal, limits }), {
      headers,
    })
  } catch (error) {
    // Ended already where copyOut or the stream took it over; ending it twice changes nothing.
    connection.end()
    throw error
  }
}
