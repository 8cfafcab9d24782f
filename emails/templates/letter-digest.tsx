import { z } from 'zod'
import { defineEmail } from '../define.ts'

/** Digest mode: how many people wrote in the period; every letter is in the attached CSV. */
export const letterDigest = defineEmail({
  name: 'letter-digest',
  transactional: true,
  params: z.object({
    count: z.number().int().min(1),
    reference: z.string().max(20),
    actionTitle: z.string().min(1).max(200),
    atRiskName: z.string().min(1).max(200),
    salutation: z.string().min(1).max(200),
    from: z.string().min(1),
    to: z.string().min(1),
    demands: z.array(z.string()),
  }),
  subject: ({ params, t }) =>
    t('email.digest.subject', {
      reference: params.reference,
      count: params.count,
      atRiskName: params.atRiskName,
    }),
  body: ({ params, t, locale, subject }) => (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <title>{subject}</title>
      </head>
      <body>
        <p>{t('email.digest.greeting', { salutation: params.salutation })}</p>
        <p>
          {t('email.digest.body', {
            count: params.count,
            from: params.from,
            to: params.to,
            atRiskName: params.atRiskName,
            actionTitle: params.actionTitle,
          })}
        </p>
        <p>{t('email.digest.demands')}</p>
        <ul>
          {params.demands.map((demand) => (
            <li key={demand}>{demand}</li>
          ))}
        </ul>
      </body>
    </html>
  ),
})
