import { Readable } from 'node:stream'
import type postgres from 'postgres'
import { openConnectionLike, type Database } from './client.ts'

/** Every export slot is one of these advisory locks: (this key, slot number). */
const EXPORT_SLOT_KEY = `hashtext('vigil-export')`

/** All of an export's slots are taken: it is refused before anything was read or audited. */
export class ExportsBusyError extends Error {
  constructor(readonly limit: number) {
    super(`${limit} exports are running already, as many as may run at once`)
    this.name = 'ExportsBusyError'
  }
}

/**
 * A connection of its own for an export (signatures, printable letters), holding one of `limit`
 * slots shared by every web process; throws ExportsBusyError when all are taken. End it with
 * `endExportConnection` once its reading is over.
 *
 * Why outside the pool: an export reads for as long as its client downloads, and a pool
 * connection held that long is one fewer for signing. Why a cap: each export is one more
 * connection and a PostgreSQL process producing rows. A slot is a session advisory lock taken on
 * the export's own connection, so PostgreSQL lets it go when that connection ends, however it
 * ends: a web process that crashed mid-export holds nothing.
 */
export async function openExportConnection(db: Database, limit: number): Promise<postgres.Sql> {
  const connection = openConnectionLike(db, 'vigil-export')
  try {
    // One slot at a time: a statement locking as it scans may take more than it returns.
    for (let slot = 0; slot < limit; slot++) {
      const [row] = await connection.unsafe<{ taken: boolean }[]>(
        `select pg_try_advisory_lock(${EXPORT_SLOT_KEY}, $1) as taken`,
        [slot],
      )
      if (row?.taken) return connection
    }
  } catch (error) {
    endExportConnection(connection)
    throw error
  }
  endExportConnection(connection)
  throw new ExportsBusyError(limit)
}

/**
 * Ends an export's connection, and with it its slot: at once if it is idle, else once its query
 * has ended (a cancelled COPY still sends what it had produced), within 30 s at most.
 */
export function endExportConnection(connection: postgres.Sql) {
  void connection.end({ timeout: 30 }).catch(() => {})
}

/**
 * What `read` gives from an export's connection, as a stream; the connection ends with the
 * stream, however it ends (read to its end, failed, or destroyed before it was read at all, when
 * a generator's own cleanup would never run).
 */
export function readOnExportConnection<T>(
  connection: postgres.Sql,
  read: (connection: postgres.Sql) => AsyncIterable<T>,
): Readable {
  const stream = Readable.from(read(connection), { objectMode: true })
  stream.once('close', () => endExportConnection(connection))
  return stream
}
