import { z } from 'zod'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** Sent when someone signs: their signature counts only once they press Confirm on our page. */
export const signatureConfirmation = defineEmail({
  name: 'signature-confirmation',
  transactional: true,
  params: z.object({
    firstName: z.string().min(1).max(100),
    actionTitle: z.string().min(1).max(200),
    atRiskName: z.string().min(1).max(200),
    confirmUrl: z.url({ protocol: /^https?$/ }),
  }),
  subject: ({ params, t }) => t('email.confirm.subject', { actionTitle: params.actionTitle }),
  body: ({ params, t, locale, subject, unsubscribeUrl }) => (
    <EmailLayout t={t} lang={locale} title={subject} unsubscribeUrl={unsubscribeUrl}>
      <p>{t('email.confirm.greeting', { firstName: params.firstName })}</p>
      <p>{t('email.confirm.body', { atRiskName: params.atRiskName })}</p>
      <EmailButton href={params.confirmUrl}>{t('email.confirm.button')}</EmailButton>
      <p>{t('email.confirm.expiry')}</p>
    </EmailLayout>
  ),
})
