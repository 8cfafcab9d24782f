// A signing surge's hot path, before Express and Remix (server.ts). The action page's form (sign or
// follow), as a browser posts it with or without JavaScript, is submitted here by the code the
// route's action runs (submitSupporterForm). The redirect that answers nearly every submission is
// written here; any other outcome (the form again with its errors, 404, 429, an error) goes to
// Remix with the outcome in hand, rendered as the route renders it and never submitted twice.
// Going around Express's router and middleware, undici's Request and Remix's route matching and
// action machinery more than halved a signature's web CPU (bench/README.md).
import type http from 'node:http'
import { writeReadableStreamToWritable, type AppLoadContext } from '@remix-run/node'
import {
  encodeViaTurboStream,
  getSingleFetchRedirect,
} from '@remix-run/server-runtime/dist/single-fetch.js'
import { fetchHeaders } from '#app/utils/node-http.server.ts'
import type {
  submitSupporterForm,
  SupporterFormOutcome,
} from '#app/models/supporter-form.server.ts'

/**
 * The action page's own address, where its form posts: as a page (no JavaScript) or, with `.data`,
 * as Remix's single fetch. No query string: Remix's fetch of this route's action adds none.
 */
export const SUPPORTER_FORM_URL = /^\/actions\/([a-z0-9]+(?:-[a-z0-9]+)*)(\.data)?$/
/** The form's fields are a few hundred bytes; anything larger takes the general path. */
const MAX_BODY_BYTES = 64 * 1024
const REDIRECT_STATUS = 303
/** Remix answers a single fetch's redirect with 202 and the target in the body. */
const SINGLE_FETCH_REDIRECT_STATUS = 202

export type SupporterFormFastPathOptions = {
  submit: typeof submitSupporterForm
  /** Remix's request handler, which renders every outcome other than a redirect. */
  render: (request: Request, context: AppLoadContext) => Promise<Response>
  appUrl: string
  /** The client's address as Express would give it (trusting the same proxies). */
  clientIp: (req: http.IncomingMessage) => string
  /** A nonce for this answer's Content-Security-Policy. */
  newNonce: () => string
  /** The headers Express's middleware gives the answer to a POST: security, fresh-pages cookie. */
  answerHeaders: (nonce: string) => [string, string][]
  mode: string
}

/**
 * Returns a handler that takes a request if it is the action page's form, urlencoded, from this
 * site or from no site (as the general path would accept it); false leaves it untouched for
 * Express.
 */
export function createSupporterFormFastPath(options: SupporterFormFastPathOptions) {
  const appOrigin = new URL(options.appUrl).origin
  const redirectBodies = createRedirectBodies(options.mode)

  async function answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    { slug, singleFetch }: { slug: string; singleFetch: boolean },
  ) {
    const body = (await readBody(req)).toString('utf8')
    const nonce = options.newNonce()
    const clientIp = options.clientIp(req)
    const submitted = options.submit({
      slug,
      form: new URLSearchParams(body),
      acceptLanguage: req.headers['accept-language'],
      clientIp,
    })
    const outcome = await submitted.catch(() => undefined)
    if (outcome?.kind !== 'redirect') {
      await renderWithRemix(req, res, { body, nonce, clientIp, submitted })
      return
    }
    const headers = options.answerHeaders(nonce)
    headers.push(['Location', outcome.location])
    if (!singleFetch) {
      headers.push(['Content-Length', '0'])
      res.writeHead(REDIRECT_STATUS, headers.flat())
      res.end()
      return
    }
    const redirect = await redirectBodies.get(outcome.location)
    headers.push(
      ['X-Remix-Response', 'yes'],
      ['Content-Type', 'text/x-script; charset=utf-8'],
      ['Content-Length', String(redirect.length)],
    )
    res.writeHead(SINGLE_FETCH_REDIRECT_STATUS, headers.flat())
    res.end(redirect)
  }

  /** The route renders what came of the submission, from the request as it was sent. */
  async function renderWithRemix(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    {
      body,
      nonce,
      clientIp,
      submitted,
    }: { body: string; nonce: string; clientIp: string; submitted: Promise<SupporterFormOutcome> },
  ) {
    // Aborted if the client goes before the answer is done, as the Express adapter does, so
    // Remix stops rendering for nobody (and entry.server's handleError stays quiet about it).
    const gone = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) gone.abort()
    })
    const request = new Request(new URL(req.url!, options.appUrl), {
      method: 'POST',
      // As the Express adapter builds them: from Node's parsed headers (a repeated Host is one).
      headers: fetchHeaders(req),
      body,
      signal: gone.signal,
    })
    const response = await options.render(request, {
      cspNonce: nonce,
      clientIp,
      submittedSupporterForm: submitted,
    })
    res.statusCode = response.status
    for (const [name, value] of options.answerHeaders(nonce)) res.appendHeader(name, value)
    for (const [name, value] of response.headers) {
      res.appendHeader(name, name === 'content-type' ? withCharset(value) : value)
    }
    if (response.body) await writeReadableStreamToWritable(response.body, res)
    else res.end()
  }

  return function takeSupporterForm(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.method !== 'POST' || !req.url) return false
    const match = SUPPORTER_FORM_URL.exec(req.url)
    if (!match || !isUrlEncoded(req.headers['content-type'])) return false
    // Only a body of known, small length (the general path takes chunked or large ones).
    const length = Number(req.headers['content-length'])
    if (!(length >= 0 && length <= MAX_BODY_BYTES)) return false
    if (!fromThisSite(req, appOrigin)) return false
    answer(req, res, { slug: match[1]!, singleFetch: match[2] !== undefined }).catch(
      (error: unknown) => {
        if (error instanceof ClientGoneError) return
        console.error(error)
        if (res.headersSent) res.destroy()
        else {
          const headers = options.answerHeaders(options.newNonce())
          headers.push(['Content-Type', 'text/plain; charset=utf-8'])
          res.writeHead(500, headers.flat()).end('Something went wrong.')
        }
      },
    )
    return true
  }
}

/** Text with its charset named, as Express's response adds it on the general path. */
function withCharset(contentType: string) {
  return contentType.startsWith('text/') && !/;\s*charset=/i.test(contentType)
    ? `${contentType}; charset=utf-8`
    : contentType
}

function isUrlEncoded(contentType: string | undefined) {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase()
  return type === 'application/x-www-form-urlencoded'
}

/**
 * A request without Origin (no browser sends a POST without one, but scripts and old clients
 * may), or from this site by both checks the general path makes: server.ts's (the app's own
 * origin) and Remix's (the origin's host is the Host, or X-Forwarded-Host, the request came to).
 * Anything else is refused on the general path, so it is left to it.
 */
function fromThisSite(req: http.IncomingMessage, appOrigin: string) {
  const origin = req.headers.origin
  if (origin === undefined) return true
  if (origin !== appOrigin) return false
  const forwardedHost = String(req.headers['x-forwarded-host'] ?? '')
    .split(',')[0]
    ?.trim()
  return new URL(origin).host === (forwardedHost || req.headers.host)
}

class ClientGoneError extends Error {}

/** The whole body (Node's parser holds it to its Content-Length). */
function readBody(req: http.IncomingMessage) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    // A client gone before the end: nothing was submitted, and there is nobody to answer.
    req.on('error', () => reject(new ClientGoneError()))
    req.on('close', () => {
      if (!req.complete) reject(new ClientGoneError())
    })
  })
}

/**
 * The body Remix gives a single fetch redirected by an action, encoded by Remix's own encoder,
 * kept per address (each action's check-email page, a handful).
 */
function createRedirectBodies(mode: string) {
  const MAX_KEPT = 1000
  const kept = new Map<string, Buffer>()
  return {
    async get(location: string) {
      const found = kept.get(location)
      if (found) return found
      const done = new AbortController()
      const redirect = getSingleFetchRedirect(
        REDIRECT_STATUS,
        new Headers({ Location: location }),
        undefined,
      )
      const stream = encodeViaTurboStream(redirect, done.signal, undefined, mode as never)
      const body = Buffer.from(await new Response(stream).arrayBuffer())
      done.abort() // clears the encoder's timer
      if (kept.size >= MAX_KEPT) kept.clear()
      kept.set(location, body)
      return body
    },
  }
}
