import nodemailer, { type Transporter } from 'nodemailer'
import type { RenderedEmail } from './render.ts'

export type MailTransport = Transporter

/** A pooled SMTP transport: connections are reused across messages instead of one per email. */
export type DkimOptions = { domainName: string; keySelector: string; privateKey: string }

// nodemailer's default list of signed headers, plus List-Unsubscribe-Post: a signature must cover
// both unsubscribe headers for mailbox providers to honour one-click unsubscribe (RFC 8058).
export const DKIM_SIGNED_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:' +
  'Content-Transfer-Encoding:Content-ID:Content-Description:Resent-Date:Resent-From:' +
  'Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:In-Reply-To:References:List-Id:' +
  'List-Help:List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post:List-Owner:List-Archive'

export function createMailTransport(
  smtpUrl: string,
  { maxConnections = 5, dkim }: { maxConnections?: number; dkim?: DkimOptions } = {},
): MailTransport {
  const url = new URL(smtpUrl)
  return nodemailer.createTransport({
    dkim: dkim ? { ...dkim, headerFieldNames: DKIM_SIGNED_HEADERS } : undefined,
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
  // Shown instead of the platform's name ("Ana Ruiz via Vigil"), on the platform's address.
  fromName?: string
  to: string
  replyTo?: string
  appUrl: string
  email: RenderedEmail
  attachments?: { filename: string; content: string; contentType: string }[]
}

/** The platform's sender address with another display name; nodemailer quotes and encodes it. */
function withDisplayName(from: string, name: string) {
  const address = from.match(/<([^>]+)>/)?.[1] ?? from
  return { name, address }
}

/** Builds the nodemailer message: MIME, encodings and header folding are nodemailer's job. */
export function toMailMessage({
  id,
  from,
  fromName,
  to,
  replyTo,
  appUrl,
  email,
  attachments,
}: OutgoingEmail) {
  const host = new URL(appUrl).hostname
  return {
    from: fromName ? withDisplayName(from, fromName) : from,
    to,
    replyTo,
    attachments,
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
