import { z } from 'zod'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** An admin invited a colleague to the campaign console: a one-time link to choose a password. */
export const staffInvitation = defineEmail({
  name: 'staff-invitation',
  transactional: true,
  params: z.object({
    name: z.string().min(1).max(100),
    inviterName: z.string().min(1).max(100),
    role: z.enum(['admin', 'editor', 'viewer']),
    setPasswordUrl: z.url({ protocol: /^https?$/ }),
    validForHours: z.number().int().positive(),
  }),
  subject: ({ t }) => t('admin.email.invitation.subject'),
  body: ({ params, t, locale, subject }) => (
    <EmailLayout t={t} lang={locale} title={subject} audience="staff">
      <p>{t('admin.email.greeting', { name: params.name })}</p>
      <p>
        {t('admin.email.invitation.body', {
          inviterName: params.inviterName,
          role: t(`admin.role.${params.role}`),
        })}
      </p>
      <EmailButton href={params.setPasswordUrl}>{t('admin.email.invitation.button')}</EmailButton>
      <p>{t('admin.email.invitation.expiry', { hours: params.validForHours })}</p>
    </EmailLayout>
  ),
})
