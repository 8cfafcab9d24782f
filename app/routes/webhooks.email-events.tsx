import { data, type ActionFunctionArgs } from '@remix-run/node'
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
  if (request.method !== 'POST') return data({ error: 'Method not allowed' }, 405)
  const secret = getEnv().EMAIL_WEBHOOK_SECRET
  if (!secret) return data({ error: 'Webhook not configured' }, 404)
  if (!webhookAuthorized(request.headers.get('authorization'), secret)) {
    return data({ error: 'Unauthorized' }, 401)
  }
  let body: unknown
  try {
    body = await request.json()
  } catch {
    return data({ error: 'Body must be JSON' }, 400)
  }
  const parsed = EmailEventsPayload.safeParse(body)
  if (!parsed.success) {
    return data(
      {
        error: 'Invalid events',
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      },
      400,
    )
  }
  const suppressed = await recordEmailEvents(parsed.data)
  return data({ received: parsed.data.length, suppressed }, 202)
}

export async function loader() {
  return data({ error: 'Method not allowed' }, 405)
}
