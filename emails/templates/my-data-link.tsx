import { z } from 'zod'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** The link to see, download or erase what we hold about a supporter. */
export const myDataLink = defineEmail({
  name: 'my-data-link',
  transactional: true,
  params: z.object({ dataUrl: z.url({ protocol: /^https?$/ }) }),
  subject: ({ t }) => t('email.myData.subject'),
  body: ({ params, t, locale, subject }) => (
    <EmailLayout t={t} lang={locale} title={subject}>
      <p>{t('email.myData.body')}</p>
      <EmailButton href={params.dataUrl}>{t('email.myData.button')}</EmailButton>
      <p>{t('email.myData.expiry')}</p>
    </EmailLayout>
  ),
})
