import { z } from 'zod'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** Sent when a confirmed signer signs again: the page says the same to everyone, the email tells them. */
export const signatureAlreadyConfirmed = defineEmail({
  name: 'signature-already-confirmed',
  transactional: true,
  params: z.object({
    firstName: z.string().min(1).max(100),
    actionTitle: z.string().min(1).max(200),
    atRiskName: z.string().min(1).max(200),
    actionUrl: z.url({ protocol: /^https?$/ }),
  }),
  subject: ({ params, t }) => t('email.already.subject', { actionTitle: params.actionTitle }),
  body: ({ params, t, locale, subject, unsubscribeUrl }) => (
    <EmailLayout t={t} lang={locale} title={subject} unsubscribeUrl={unsubscribeUrl}>
      <p>{t('email.already.greeting', { firstName: params.firstName })}</p>
      <p>{t('email.already.body', { atRiskName: params.atRiskName })}</p>
      <p>{t('email.already.share')}</p>
      <EmailButton href={params.actionUrl}>{params.actionTitle}</EmailButton>
    </EmailLayout>
  ),
})
