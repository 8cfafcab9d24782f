// Route `headers` exports. Not a .server module: the classic compiler keeps a `headers` export
// that calls a function in the browser bundle, where a .server module is empty.
import type { HeadersFunction } from '@remix-run/node'

/**
 * A route's headers: its own, plus those of a response it threw (Retry-After on a 429) and the
 * Retry-After of one its action returned (a 503), which Remix drops unless the route passes them on.
 */
export function headersWithRefusals(own: Record<string, string> = {}): HeadersFunction {
  return ({ errorHeaders, actionHeaders }) => {
    const headers = new Headers(errorHeaders)
    const retryAfter = actionHeaders.get('Retry-After')
    if (retryAfter) headers.set('Retry-After', retryAfter)
    for (const [name, value] of Object.entries(own)) headers.set(name, value)
    return headers
  }
}
