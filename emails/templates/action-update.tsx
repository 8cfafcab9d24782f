import { z } from 'zod'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** An update or outcome on a case, to its followers. Not transactional: unsubscribing stops it. */
export const actionUpdate = defineEmail({
  name: 'action-update',
  transactional: false,
  params: z.object({
    reference: z.string().min(1).max(20),
    sequence: z.number().int().min(1),
    title: z.string().min(1).max(200),
    atRiskName: z.string().min(1).max(200),
    // Sanitised HTML rendered from the update's Markdown when the message was written.
    bodyHtml: z.string().max(100_000),
    actionUrl: z.url({ protocol: /^https?$/ }),
  }),
  subject: ({ params, t }) =>
    t('email.update.subject', {
      reference: params.reference,
      sequence: params.sequence,
      title: params.title,
    }),
  body: ({ params, t, locale, subject, unsubscribeUrl }) => (
    <EmailLayout t={t} lang={locale} title={subject} unsubscribeUrl={unsubscribeUrl}>
      <p>{t('email.update.intro', { atRiskName: params.atRiskName })}</p>
      <h1 style={{ fontSize: '22px' }}>{params.title}</h1>
      <div dangerouslySetInnerHTML={{ __html: params.bodyHtml }} />
      <EmailButton href={params.actionUrl}>{t('email.update.readMore')}</EmailButton>
    </EmailLayout>
  ),
})
