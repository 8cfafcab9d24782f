import { z } from 'zod'
import { FILLED_LETTER_MAX, FILLED_SUBJECT_MAX } from '#app/utils/letter-template.ts'
import { defineEmail } from '../define.ts'

/**
 * One supporter's letter to one official (individual delivery mode). Plain and readable: no
 * branding, no tracking, the supporter's own words; the supporter is the Reply-To.
 */
export const authorityLetter = defineEmail({
  name: 'authority-letter',
  transactional: true,
  params: z.object({
    subject: z.string().min(1).max(FILLED_SUBJECT_MAX),
    letter: z.string().min(1).max(FILLED_LETTER_MAX),
    supporterName: z.string().min(1).max(201),
    reference: z.string().max(20),
    language: z.string().max(20),
  }),
  subject: ({ params }) => params.subject,
  body: ({ params, t }) => (
    <html lang={params.language}>
      <head>
        <meta charSet="utf-8" />
        <title>{params.subject}</title>
      </head>
      <body>
        {params.letter.split(/\n{2,}/).map((paragraph, i) => (
          <p key={i} style={{ whiteSpace: 'pre-line' }}>
            {paragraph}
          </p>
        ))}
        <hr />
        <p style={{ fontSize: '12px', color: '#555' }}>
          {t('email.letter.footer', { name: params.supporterName, reference: params.reference })}
        </p>
      </body>
    </html>
  ),
})
