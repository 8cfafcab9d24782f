// Between Node's http requests and the fetch API's, for the requests server.ts answers before
// Express (whose Remix adapter does the same for the rest).
import type http from 'node:http'

/** A request's headers as Node parsed them (a repeated header is one value), for a fetch Request. */
export function fetchHeaders(req: http.IncomingMessage) {
  const headers = new Headers()
  for (const [name, values] of Object.entries(req.headers)) {
    if (values === undefined) continue
    for (const value of Array.isArray(values) ? values : [values]) headers.append(name, value)
  }
  return headers
}
