import { data } from '@remix-run/node'

/** A 429 the error page can explain: how long to wait, also in Retry-After for clients. */
export function tooManyRequests(retryAfterSeconds: number) {
  return data(
    { retryAfterSeconds },
    { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
  )
}

/** A 503 for a moment's outage (the database restarting): try again after Retry-After. */
export function serviceUnavailable(retryAfterSeconds = 5) {
  return data(
    { retryAfterSeconds },
    { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) } },
  )
}
