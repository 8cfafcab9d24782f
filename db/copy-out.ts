import type { Readable } from 'node:stream'
import type postgres from 'postgres'

/**
 * Runs `copy (...) to stdout` on a connection of its own (`connection`, one connection, which it
 * takes over), and gives its bytes as a stream, read as fast as its reader reads; the connection
 * is ended once the stream is over, or at once if the COPY fails to start. A reader that stops
 * early (a download abandoned) cancels the COPY, so PostgreSQL stops producing what nobody will
 * read: a million-row export left at its first chunk was otherwise produced, read and dropped
 * to its end.
 *
 * Why a connection of its own: a cancel is a signal to the connection's server process, and one
 * that arrives after the COPY ended would cancel whatever that connection ran next. Here nothing
 * runs next: the connection is ended. (On a pool's connection it had to be held until the cancel
 * was delivered, which postgres.js cannot always tell, and a reserved connection that died was
 * put back in the pool dead.)
 */
export async function copyOut(connection: postgres.Sql, copySql: string): Promise<Readable> {
  // What is left of the COPY once the cancel lands (or, should it not, all of it) is read and
  // dropped; the connection ends once the COPY has.
  const end = () => void connection.end({ timeout: 30 }).catch(() => {})
  const copy = connection.unsafe(copySql)
  let rows: Readable
  try {
    rows = await copy.readable()
  } catch (error) {
    end()
    throw error
  }
  const finish = () => {
    // Sent only while the COPY runs (patches/postgres+3.4.9.patch): postgres.js counted a COPY
    // whose stream was handed over as settled, and sent no cancel. It answers with the cancel's
    // promise (also patched), whose failure (PostgreSQL unreachable) changes nothing here.
    if (!rows.readableEnded) {
      const cancelled = copy.cancel() as unknown as Promise<void> | null
      cancelled?.catch(() => {})
    }
    end()
  }
  // A COPY that failed as it started is closed already, before its reader could listen.
  if (rows.closed) finish()
  else rows.once('close', finish)
  return rows
}
