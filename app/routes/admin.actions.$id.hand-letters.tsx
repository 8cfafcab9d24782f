import type { LoaderFunctionArgs } from '@remix-run/node'
import { actionIdParam } from '#app/models/action-admin.server.ts'
import { exportUnlessBusy } from '#app/models/export-slots.server.ts'
import { printHandLetters } from '#app/models/hand-letters.server.tsx'
import { getDb } from '#app/utils/db.server.ts'
import { negotiateLocale } from '#app/utils/i18n.ts'
import { requireStaff } from '#app/utils/session.server.ts'

/**
 * The letters kept for hand delivery as one printable page, a letter per sheet, streamed. Editors
 * only, like the exports; every print is audited.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const session = await requireStaff(request, 'editor')
  const actionId = actionIdParam(params)
  const response = await exportUnlessBusy(actionId, () =>
    printHandLetters(getDb(), {
      actionId,
      locale: negotiateLocale(request.headers.get('accept-language')),
      actor: { staffUserId: session.user.id, ip: context.clientIp },
      headOnly: request.method === 'HEAD',
      signal: request.signal,
    }),
  )
  if (!response) throw new Response('Not found', { status: 404 })
  return response
}
