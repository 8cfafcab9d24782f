import { Readable } from 'node:stream'
import type postgres from 'postgres'
import { openConnectionLike, type Database } from './client.ts'

/** Every export slot is one of these advisory locks: (this key, slot number). */
const EXPORT_SLOT_KEY = `hashtext('vigil-export')`

/**
 * PostgreSQL lets a slot go when it sees the connection gone. A web host that vanished (a lost
 * machine, a network cut) sends no goodbye: on an idle connection, the operating system's
 * default keepalives took two hours to notice; with rows unacknowledged (a COPY, a fetch), its
 * retransmissions about fifteen minutes. The slot was held all that time.
 */
const VANISHED_CLIENT_LIMITS = {
  tcp_keepalives_idle: '60',
  tcp_keepalives_interval: '10',
  tcp_keepalives_count: '6',
  tcp_user_timeout: '120000',
}

/** All of an export's slots are taken: it is refused before anything was read or audited. */
export class ExportsBusyError extends Error {
  constructor(readonly limit: number) {
    super(`${limit} exports are running already, as many as may run at once`)
    this.name = 'ExportsBusyError'
  }
}

/** An export's own connection, holding one of the export slots while it lives. */
export type ExportConnection = {
  sql: postgres.Sql
  /**
   * Throws if the connection closed since it took its slot: postgres.js would open another for
   * the next query, silently, and without the slot. Called just before the export's query.
   */
  assertHeld(): void
  /**
   * Ends the connection, and with it its slot: at once if it is idle, else once its query has
   * ended (a cancelled COPY still sends what it had produced), within 30 s at most.
   */
  end(): void
}

/**
 * A connection of its own for an export (signatures, printable letters), holding one of `limit`
 * slots shared by every web process; throws ExportsBusyError when all are taken.
 *
 * Why outside the pool: an export reads for as long as its client downloads, and a pool
 * connection held that long is one fewer for signing. Why a cap: each export is one more
 * connection and a PostgreSQL process producing rows. A slot is a session advisory lock taken on
 * the export's own connection, so PostgreSQL lets it go when that connection ends, however it
 * ends: a web process that crashed mid-export holds nothing.
 */
export async function openExportConnection(db: Database, limit: number): Promise<ExportConnection> {
  let closed = false
  const sql = openConnectionLike(db, 'vigil-export', {
    settings: VANISHED_CLIENT_LIMITS,
    onClosed: () => (closed = true),
  })
  const connection: ExportConnection = {
    sql,
    assertHeld() {
      if (closed) throw new Error('the export lost its database connection before it started')
    },
    end() {
      void sql.end({ timeout: 30 }).catch(() => {})
    },
  }
  try {
    // One slot at a time: a statement locking as it scans may take more than it returns.
    for (let slot = 0; slot < limit; slot++) {
      const [row] = await sql.unsafe<{ taken: boolean }[]>(
        `select pg_try_advisory_lock(${EXPORT_SLOT_KEY}, $1) as taken`,
        [slot],
      )
      if (row?.taken) return connection
    }
  } catch (error) {
    connection.end()
    throw error
  }
  connection.end()
  throw new ExportsBusyError(limit)
}

/**
 * The rows of `query`, read through a cursor (`rowsPerFetch` at a time) on an export's
 * connection, as a stream of rows; the connection ends with the stream, however it ends (read to
 * its end, failed, or destroyed before it was read at all, when a generator's own cleanup would
 * never run). Destroyed while a fetch runs (the first may sort every row of a large case), it
 * cancels the fetch: a generator cannot be stopped until its fetch is back, and the connection,
 * its snapshot and its slot would be held until then.
 */
export function exportCursor<T extends readonly postgres.MaybeRow[]>(
  connection: ExportConnection,
  query: postgres.PendingQuery<T>,
  rowsPerFetch: number,
): Readable {
  connection.assertHeld()
  // Running: sent, and not yet read to its end. (A query never sent must not be cancelled:
  // postgres.js would reject it, and nothing would be listening.)
  let running = false
  async function* rows() {
    connection.assertHeld()
    running = true
    try {
      for await (const batch of query.cursor(rowsPerFetch)) yield* batch
    } finally {
      running = false
    }
  }
  const stream = Readable.from(rows(), { objectMode: true })
  const destroy = stream._destroy.bind(stream)
  stream._destroy = (error, callback) => {
    if (running) {
      // A cancel that arrives between fetches, or after the last, changes nothing. Patched
      // (patches/postgres+3.4.9.patch) to answer with the cancel's promise.
      const cancelled = query.cancel() as unknown as Promise<void> | null
      cancelled?.catch(() => {})
    }
    destroy(error, callback)
  }
  stream.once('close', () => connection.end())
  return stream
}
