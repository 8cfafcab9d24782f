import nodemailer, { type Transporter } from 'nodemailer'
import type { RenderedEmail } from './render.ts'

export type MailTransport = Transporter

/** A pooled SMTP transport: connections are reused across messages instead of one per email. */
export function createMailTransport(smtpUrl: string, { maxConnections = 5 } = {}): MailTransport {
  const url = new URL(smtpUrl)
  return nodemailer.createTransport({
    pool: true,
    maxConnections,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    // Local catchers and test servers offer STARTTLS with self-signed certificates.
    tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(url.hostname) },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  })
}

export type OutgoingEmail = {
  id: string
  from: string
  to: string
  replyTo?: string
  appUrl: string
  email: RenderedEmail
}

/** Builds the nodemailer message: MIME, encodings and header folding are nodemailer's job. */
export function toMailMessage({ id, from, to, replyTo, appUrl, email }: OutgoingEmail) {
  const host = new URL(appUrl).hostname
  return {
    from,
    to,
    replyTo,
    subject: email.subject,
    html: email.html,
    text: email.text,
    // Stable per outbox row, so a message delivered twice is recognisably the same message.
    messageId: `<${id}@${host}>`,
    headers: {
      'X-Vigil-Message-Id': id,
      ...(email.unsubscribeUrl ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
    },
    ...(email.unsubscribeUrl ? { list: { unsubscribe: email.unsubscribeUrl } } : {}),
  }
}
