import type { LoaderFunctionArgs } from '@remix-run/node'
import { devMailDir, readDevMail } from '#app/models/dev-mail.server.ts'

// The HTML part of a caught message, framed by /dev/mail/:id. The server gives this path its own
// CSP in development (inline styles, no scripts), since email HTML is styled inline.
export async function loader({ params }: LoaderFunctionArgs) {
  const dir = devMailDir()
  const message = dir ? await readDevMail(dir, params.id ?? '') : null
  if (!message) throw new Response('Not found', { status: 404 })
  return new Response(message.html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } })
}
