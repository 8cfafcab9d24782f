import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { recordSignOut } from '#app/models/staff.server.ts'
import { destroyStaffSession, requireStaffAction } from '#app/utils/session.server.ts'

/** Signing out is a POST with the session's form token, so no other site can sign anyone out. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { session } = await requireStaffAction(request, 'viewer')
  await recordSignOut({ actor: session.user, ip: context.clientIp })
  return redirect('/admin/login', {
    status: 303,
    headers: { 'Set-Cookie': await destroyStaffSession(request) },
  })
}
