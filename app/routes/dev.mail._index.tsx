import { Link, useLoaderData } from '@remix-run/react'
import { devMailDir, listDevMail } from '#app/models/dev-mail.server.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'

export async function loader() {
  const dir = devMailDir()
  if (!dir) throw new Response('Not found', { status: 404 })
  return { messages: await listDevMail(dir) }
}

export default function DevMailbox() {
  const { messages } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  return (
    <>
      <h1>{t('devMail.title')}</h1>
      <p>{t('devMail.intro')}</p>
      {messages.length === 0 ? (
        <p>{t('devMail.empty')}</p>
      ) : (
        <table className="mail-table">
          <thead>
            <tr>
              <th scope="col">{t('devMail.subject')}</th>
              <th scope="col">{t('devMail.to')}</th>
              <th scope="col">{t('devMail.date')}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr key={message.id}>
                <td>
                  <Link to={`/dev/mail/${message.id}`}>{message.subject}</Link>
                </td>
                <td>{message.to}</td>
                <td>{message.date}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
