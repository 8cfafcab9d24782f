import type { LoaderFunctionArgs } from '@remix-run/node'
import { getMyData, supporterIdFromDataToken } from '#app/models/my-data.server.ts'
import { LinkTokenParam } from '#app/utils/link-token.ts'

/** The supporter's data as a JSON file, from the same signed link. */
export async function loader({ params }: LoaderFunctionArgs) {
  const token = LinkTokenParam.safeParse(params.token)
  const found = token.success ? await supporterIdFromDataToken(token.data) : null
  const myData = found?.ok ? await getMyData(found.supporterId) : null
  if (!myData) throw new Response('This link does not work or has expired.', { status: 404 })
  return new Response(JSON.stringify(myData, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': 'attachment; filename="vigil-my-data.json"',
      'Cache-Control': 'no-store',
    },
  })
}
