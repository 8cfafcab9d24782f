import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { requireStaff } from '#app/utils/session.server.ts'
import { skipRevalidationAfterPreview } from '#app/utils/revalidation.ts'

export const meta: MetaFunction = () => [
  { title: createTranslator('en')('admin.nav.label') },
  { name: 'robots', content: 'noindex' },
]

// Console pages carry personal data and the session's form token: never cached, never indexed.
export const headers: HeadersFunction = () => ({
  'Cache-Control': 'private, no-store',
  'X-Robots-Tag': 'noindex',
})

export const shouldRevalidate = skipRevalidationAfterPreview

/** Every page under /admin is for signed-in staff; each child route checks its own role too. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, csrfToken } = await requireStaff(request, 'viewer')
  return { user, csrfToken }
}

export default function AdminLayout() {
  const { user } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  const isAdmin = user.role === 'admin'
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('admin.nav.label')}>
        <ul>
          <li>
            <NavLink to="/admin" end>
              {t('admin.nav.overview')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/admin/delivery">{t('admin.nav.delivery')}</NavLink>
          </li>
          {isAdmin ? (
            <>
              <li>
                <NavLink to="/admin/staff">{t('admin.nav.staff')}</NavLink>
              </li>
              <li>
                <NavLink to="/admin/audit">{t('admin.nav.audit')}</NavLink>
              </li>
            </>
          ) : null}
        </ul>
        <div className="admin-user">
          <p data-testid="admin-user">
            {t('admin.nav.signedInAs', { name: user.name, role: t(`admin.role.${user.role}`) })}
          </p>
          <Form method="post" action="/admin/logout">
            <CsrfInput />
            <button type="submit" className="secondary">
              {t('admin.nav.signOut')}
            </button>
          </Form>
        </div>
      </nav>
      <Outlet />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
