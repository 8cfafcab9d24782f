import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node'
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from '@remix-run/react'
import { useEffect, type ReactNode } from 'react'
import { GeneralErrorBoundary } from './components/error-boundary.tsx'
import stylesUrl from './styles/app.css'
import { defaultLocale, negotiateLocale } from './utils/i18n.ts'
import { I18nProvider, useTranslation } from './utils/i18n-react.tsx'
import { useNonce } from './utils/nonce.tsx'
import { skipRevalidationAfterPreview } from './utils/revalidation.ts'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesUrl },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const shouldRevalidate = skipRevalidationAfterPreview

export async function loader({ request }: LoaderFunctionArgs) {
  return { locale: negotiateLocale(request.headers.get('accept-language')) }
}

function Document({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const locale = data?.locale ?? defaultLocale
  const nonce = useNonce()
  // Marks the page as interactive once hydrated: browser tests wait for it before typing, since
  // input during hydration can abort it (React's "Root did not complete").
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true'
  }, [])
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nProvider locale={locale}>
          <SiteChrome>{children}</SiteChrome>
        </I18nProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

function SiteChrome({ children }: { children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <>
      <a className="skip-link" href="#main">
        {t('site.skipToContent')}
      </a>
      <header className="site-header">
        <Link to="/" className="site-name">
          {t('site.name')}
        </Link>
        <p className="site-tagline">{t('site.tagline')}</p>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  return <Document>{children}</Document>
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
