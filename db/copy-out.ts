import type { Readable } from 'node:stream'
import type postgres from 'postgres'

/**
 * Runs `copy (...) to stdout` on a connection reserved from `client`'s pool, and gives its bytes
 * as a stream, read as fast as its reader reads. A reader that stops early (a download abandoned)
 * cancels the COPY, so PostgreSQL stops producing what nobody will read: a million-row export
 * left at its first chunk was otherwise produced, read and dropped to its end.
 *
 * A cancel is a signal to the connection's server process, and one that arrives after the COPY
 * ended would cancel whatever that connection ran next. The connection is therefore held until
 * the cancel has been delivered (postgres.js's cancel answers then) and it has answered a query
 * of its own: PostgreSQL drops a cancel that finds it idle. Only then does it go back to the pool.
 */
export async function copyOut(client: postgres.Sql, copySql: string): Promise<Readable> {
  const connection = await client.reserve()
  const copy = connection.unsafe(copySql)
  let rows: Readable
  try {
    rows = await copy.readable()
  } catch (error) {
    connection.release()
    throw error
  }
  const settle = () => {
    if (rows.readableEnded && !rows.errored) connection.release()
    else void cancelAndRelease(connection, copy)
  }
  // A COPY that failed as it started is closed already, before its reader could listen.
  if (rows.closed) settle()
  else rows.once('close', settle)
  return rows
}

async function cancelAndRelease(connection: postgres.ReservedSql, copy: { cancel: () => void }) {
  // The COPY ends with "canceling statement due to user request", or (had it just ended) the
  // idle connection drops the cancel. Failures change nothing: the check below settles it.
  // (cancel() answers once the request is delivered: patches/postgres+3.4.9.patch.)
  const delivered = copy.cancel() as unknown as Promise<void> | null
  await delivered?.catch(() => {})
  // Queued behind the COPY's end. Whatever it answers (a connection lost is opened anew on its
  // next use), no cancel is left to reach the next query.
  await connection`select 1`.catch(() => {})
  connection.release()
}
