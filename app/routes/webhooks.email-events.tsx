import type { ActionFunctionArgs } from '@remix-run/node'
import {
  EmailEventsPayload,
  recordEmailEvents,
  webhookAuthorized,
} from '#app/models/email-events.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

/**
 * POST /webhooks/email-events, from the email provider, with `Authorization: Bearer <secret>`:
 * `{ "type": "bounce" | "complaint", "email": "...", "bounceType"?: "hard" | "soft" }` or
 * `{ "events": [ ... ] }`. Hard bounces and complaints suppress the address.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST')
    return Response.json({ error: 'Method not allowed' }, { status: 405 })
  const secret = getEnv().EMAIL_WEBHOOK_SECRET
  if (!secret) return Response.json({ error: 'Webhook not configured' }, { status: 404 })
  if (!webhookAuthorized(request.headers.get('authorization'), secret)) {
    return Response.json({ error: 'Unauthorized' }, { status: 401 })
  }
  let body: unknown
  try {
    body = await request.json()
  } catch {
    return Response.json({ error: 'Body must be JSON' }, { status: 400 })
  }
  const parsed = EmailEventsPayload.safeParse(body)
  if (!parsed.success) {
    return Response.json(
      {
        error: 'Invalid events',
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      },
      { status: 400 },
    )
  }
  const suppressed = await recordEmailEvents(parsed.data)
  return Response.json({ received: parsed.data.length, suppressed }, { status: 202 })
}

export async function loader() {
  return Response.json({ error: 'Method not allowed' }, { status: 405 })
}
