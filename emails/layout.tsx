import type { ReactNode } from 'react'
import type { Translate } from '#app/utils/i18n.ts'

// Inline styles only: many mail clients drop <style> blocks and never load external CSS.
const styles = {
  body: { margin: 0, padding: 0, backgroundColor: '#f4f1ea', color: '#1d1d1b' },
  container: {
    maxWidth: '560px',
    margin: '0 auto',
    padding: '24px',
    backgroundColor: '#ffffff',
    fontFamily: 'Georgia, "Times New Roman", serif',
    fontSize: '17px',
    lineHeight: '1.5',
  },
  brand: { fontFamily: 'Arial, sans-serif', fontWeight: 700, letterSpacing: '0.08em' },
  footer: { fontFamily: 'Arial, sans-serif', fontSize: '13px', color: '#55534e' },
} as const

export function EmailLayout({
  t,
  lang,
  title,
  unsubscribeUrl,
  audience = 'supporter',
  children,
}: {
  t: Translate
  lang: string
  title: string
  unsubscribeUrl?: string
  // Staff mail says why a staff member gets it, not a supporter's reason.
  audience?: 'supporter' | 'staff'
  children: ReactNode
}) {
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
      </head>
      <body style={styles.body}>
        <div style={styles.container}>
          <p style={styles.brand}>{t('site.name').toUpperCase()}</p>
          {children}
          <hr />
          <p style={styles.footer}>
            {audience === 'staff' ? t('email.footer.staff') : t('email.footer.why')}
          </p>
          {unsubscribeUrl ? (
            <p style={styles.footer}>
              <a href={unsubscribeUrl}>{t('email.footer.unsubscribe')}</a>
            </p>
          ) : null}
        </div>
      </body>
    </html>
  )
}

export function EmailButton({ href, children }: { href: string; children: ReactNode }) {
  return (
    <p>
      <a
        href={href}
        style={{
          display: 'inline-block',
          padding: '12px 20px',
          backgroundColor: '#1d1d1b',
          color: '#ffffff',
          fontFamily: 'Arial, sans-serif',
          fontWeight: 700,
          textDecoration: 'none',
        }}
      >
        {children}
      </a>
    </p>
  )
}
