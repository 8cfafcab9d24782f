import { z } from 'zod'
import { FILLED_LETTER_MAX, FILLED_SUBJECT_MAX } from '#app/utils/letter-template.ts'
import { EmailLayout } from '../layout.tsx'
import { defineEmail } from '../define.ts'

/**
 * "Send me a test" from the console: the model letter filled for a sample supporter, to the staff
 * member who asked. The letter is plain text and is only ever rendered as text (React escapes it),
 * so whatever a template contains, it cannot become markup in the message.
 */
export const letterTest = defineEmail({
  name: 'letter-test',
  transactional: true,
  params: z.object({
    actionTitle: z.string().min(1).max(200),
    reference: z.string().max(20).nullable(),
    authorityName: z.string().max(200).nullable(),
    subject: z.string().min(1).max(FILLED_SUBJECT_MAX),
    letter: z.string().min(1).max(FILLED_LETTER_MAX),
  }),
  subject: ({ params, t }) => t('console.email.letterTest.subject', { subject: params.subject }),
  body: ({ params, t, locale, subject }) => (
    <EmailLayout t={t} lang={locale} title={subject}>
      <p>
        {t('console.email.letterTest.intro', {
          actionTitle: params.reference
            ? `${params.reference} ${params.actionTitle}`
            : params.actionTitle,
        })}
      </p>
      {params.authorityName ? (
        <p>{t('console.email.letterTest.authority', { name: params.authorityName })}</p>
      ) : null}
      <hr />
      <p>
        <strong>{params.subject}</strong>
      </p>
      <pre style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', fontSize: '16px' }}>
        {params.letter}
      </pre>
    </EmailLayout>
  ),
})
