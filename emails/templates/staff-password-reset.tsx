import { z } from 'zod'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** A staff member asked to reset their password: a one-time link, valid for an hour. */
export const staffPasswordReset = defineEmail({
  name: 'staff-password-reset',
  transactional: true,
  params: z.object({
    name: z.string().min(1).max(100),
    resetUrl: z.url({ protocol: /^https?$/ }),
    validForMinutes: z.number().int().positive(),
  }),
  subject: ({ t }) => t('admin.email.reset.subject'),
  body: ({ params, t, locale, subject }) => (
    <EmailLayout t={t} lang={locale} title={subject} audience="staff">
      <p>{t('admin.email.greeting', { name: params.name })}</p>
      <p>{t('admin.email.reset.body')}</p>
      <EmailButton href={params.resetUrl}>{t('admin.email.reset.button')}</EmailButton>
      <p>{t('admin.email.reset.expiry', { minutes: params.validForMinutes })}</p>
    </EmailLayout>
  ),
})
