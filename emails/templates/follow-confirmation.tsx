import { z } from 'zod'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** Double opt-in for volunteers who follow a case without signing. */
export const followConfirmation = defineEmail({
  name: 'follow-confirmation',
  transactional: true,
  params: z.object({
    actionTitle: z.string().min(1).max(200),
    atRiskName: z.string().min(1).max(200),
    confirmUrl: z.url({ protocol: /^https?$/ }),
  }),
  subject: ({ params, t }) => t('email.follow.subject', { actionTitle: params.actionTitle }),
  body: ({ params, t, locale, subject, unsubscribeUrl }) => (
    <EmailLayout t={t} lang={locale} title={subject} unsubscribeUrl={unsubscribeUrl}>
      <p>{t('email.follow.body', { atRiskName: params.atRiskName })}</p>
      <EmailButton href={params.confirmUrl}>{t('email.follow.button')}</EmailButton>
      <p>{t('email.follow.expiry')}</p>
    </EmailLayout>
  ),
})
