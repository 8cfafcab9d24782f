import type { LoaderFunctionArgs } from '@remix-run/node'
import { actionIdParam } from '#app/models/action-admin.server.ts'
import { exportUnlessBusy } from '#app/models/export-slots.server.ts'
import { exportConfirmedSignatures } from '#app/models/signature-export.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { requireStaff } from '#app/utils/session.server.ts'

/** The confirmed signatures of an action as CSV, streamed. Editors only; every export is audited. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const session = await requireStaff(request, 'editor')
  const actionId = actionIdParam(params)
  const response = await exportUnlessBusy(actionId, () =>
    exportConfirmedSignatures(getDb(), {
      actionId,
      format: 'csv',
      actor: { staffUserId: session.user.id, ip: context.clientIp },
      headOnly: request.method === 'HEAD',
      signal: request.signal,
    }),
  )
  if (!response) throw new Response('Not found', { status: 404 })
  return response
}
