import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { devMailDir, readDevMail } from '#app/models/dev-mail.server.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'

export async function loader({ params }: LoaderFunctionArgs) {
  const dir = devMailDir()
  const message = dir ? await readDevMail(dir, params.id ?? '') : null
  if (!message) throw new Response('Not found', { status: 404 })
  return { message }
}

export default function DevMailMessage() {
  const { message } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  return (
    <>
      <p>
        <Link to="/dev/mail">{t('devMail.back')}</Link>
      </p>
      <h1>{message.subject}</h1>
      <dl>
        <dt>{t('devMail.from')}</dt>
        <dd>{message.from}</dd>
        <dt>{t('devMail.to')}</dt>
        <dd>{message.to}</dd>
        <dt>{t('devMail.date')}</dt>
        <dd>{message.date}</dd>
      </dl>
      {message.html ? (
        <>
          <h2>{t('devMail.html')}</h2>
          <iframe
            className="mail-frame"
            title={t('devMail.html')}
            src={`/dev/mail-html/${message.id}`}
            sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
          />
        </>
      ) : null}
      <h2>{t('devMail.plainText')}</h2>
      <pre className="mail-text">{message.text}</pre>
      <h2>{t('devMail.headers')}</h2>
      <pre className="mail-text">{message.headers.join('\n')}</pre>
    </>
  )
}
