import { data } from '@remix-run/node'

/** A 429 the error page can explain: how long to wait, also in Retry-After for clients. */
export function tooManyRequests(retryAfterSeconds: number) {
  return data(
    { retryAfterSeconds },
    { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
  )
}
