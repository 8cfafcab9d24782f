import { useRouteLoaderData } from '@remix-run/react'

/** The hidden CSRF field every staff form carries; the token comes from the admin layout's loader. */
export function CsrfInput() {
  const data = useRouteLoaderData<{ csrfToken: string }>('routes/admin')
  return <input type="hidden" name="csrf" value={data?.csrfToken ?? ''} />
}
