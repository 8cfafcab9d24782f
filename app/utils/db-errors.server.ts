// What a database error means for the person waiting on it: their own data at fault, or the
// database out of reach for a moment (worth trying again, or showing what was last read).

/** The driver's or PostgreSQL's error code, under Drizzle's wrapping. */
function errorCode(error: unknown) {
  const cause = (error as { cause?: unknown })?.cause ?? error
  const code = (cause as { code?: unknown })?.code
  return typeof code === 'string' ? code : undefined
}

/** PostgreSQL's data exceptions (22xxx) and integrity violations (23xxx): one row's fault. */
export function isDataError(error: unknown) {
  const code = errorCode(error)
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'))
}

/**
 * Lost or refused connections (the driver's, the socket's), PostgreSQL shutting down or starting
 * (57P0x, 08xxx), too many connections, a lock or a deadlock to retry (55P03, 40xxx).
 */
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '53300',
  '55P03',
  '57P01',
  '57P02',
  '57P03',
])

/** The database could not answer just now: trying again in a moment may well work. */
export function isDatabaseUnavailable(error: unknown) {
  const code = errorCode(error)
  return (
    code !== undefined &&
    (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('40'))
  )
}

/** The driver's own words, under Drizzle's "Failed query: ..." wrapping, on one line. */
export function describeDatabaseError(error: unknown) {
  let cause = error
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause
  return cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
}
