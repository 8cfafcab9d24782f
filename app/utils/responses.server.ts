import { data, type HeadersFunction } from '@remix-run/node'

/** A 429 the error page can explain: how long to wait, also in Retry-After for clients. */
export function tooManyRequests(retryAfterSeconds: number) {
  return data(
    { retryAfterSeconds },
    { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
  )
}

/**
 * A route's headers: its own, plus those of a response it threw (Retry-After on a 429), which
 * Remix drops unless the route passes them on.
 */
export function headersWithRefusals(own: Record<string, string> = {}): HeadersFunction {
  return ({ errorHeaders }) => {
    const headers = new Headers(errorHeaders)
    for (const [name, value] of Object.entries(own)) headers.set(name, value)
    return headers
  }
}
