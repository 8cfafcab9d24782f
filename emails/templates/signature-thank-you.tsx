import { z } from 'zod'
import { FILLED_LETTER_MAX } from '#app/utils/letter-template.ts'
import { EmailButton, EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/** After confirming: thanks, and a copy of the letter sent in the supporter's name. */
export const signatureThankYou = defineEmail({
  name: 'signature-thank-you',
  transactional: true,
  params: z.object({
    firstName: z.string().min(1).max(100),
    atRiskName: z.string().min(1).max(200),
    actionTitle: z.string().min(1).max(200),
    // An official's name and title, 200 characters each in the console.
    authorityName: z.string().max(500),
    letter: z.string().max(FILLED_LETTER_MAX),
    actionUrl: z.url({ protocol: /^https?$/ }),
  }),
  subject: ({ params, t }) => t('email.thanks.subject', { atRiskName: params.atRiskName }),
  body: ({ params, t, locale, subject, unsubscribeUrl }) => (
    <EmailLayout t={t} lang={locale} title={subject} unsubscribeUrl={unsubscribeUrl}>
      <p>{t('email.thanks.greeting', { firstName: params.firstName })}</p>
      {params.letter ? (
        <>
          <p>{t('email.thanks.body', { authorityName: params.authorityName })}</p>
          <blockquote
            style={{ whiteSpace: 'pre-line', borderLeft: '4px solid #ccc', paddingLeft: '12px' }}
          >
            {params.letter}
          </blockquote>
        </>
      ) : null}
      <p>{t('email.thanks.share')}</p>
      <EmailButton href={params.actionUrl}>{params.actionTitle}</EmailButton>
    </EmailLayout>
  ),
})
