import { DelayedError, UnrecoverableError, type Job } from 'bullmq'
import { and, eq } from 'drizzle-orm'
import { canonicalEmail } from '#app/utils/email-address.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { createLinkToken } from '#app/utils/tokens.server.ts'
import type { Database, DbOrTx } from '#db/client.ts'
import {
  actions,
  emailOutbox,
  follows,
  supporters,
  suppressions,
  type OutboxMessage,
} from '#db/schema.ts'
import { renderEmail } from '#emails/render.ts'
import { toMailMessage, type MailTransport } from '#emails/transport.ts'
import { emailLoaders, type LoadedEmail } from '../email-loaders.ts'
import { recordLetterDelivery } from '../letters.ts'
import {
  claimOutboxMessage,
  markOutboxFinished,
  markOutboxRetry,
  markOutboxSent,
  PRESSURE_TEMPLATES,
  releaseOutboxMessage,
} from '../outbox.ts'
import { EmailDeliveryJobSchema, type EmailDeliveryJob } from '../queues.ts'

export type EmailDeliveryDeps = {
  db: Database
  transport: MailTransport
  mailFrom: string
  appUrl: string
  claimTimeoutMs: number
}

type SmtpError = Error & {
  code?: string
  responseCode?: number
  command?: string
  response?: string
}

/** What went wrong, without the recipient's address: this text may reach Redis and the logs. */
function describeSmtpError(error: SmtpError) {
  return error.responseCode ? `SMTP ${error.responseCode}` : `SMTP ${error.code ?? 'error'}`
}

/** A recipient refused for good (5xx at RCPT TO): retrying cannot help, and the address is suppressed. */
function isPermanentRecipientFailure(error: SmtpError) {
  return (
    error.responseCode !== undefined &&
    error.responseCode >= 500 &&
    (error.command === 'RCPT TO' || error.code === 'EENVELOPE')
  )
}

function isPermanentMessageFailure(error: SmtpError) {
  return error.responseCode !== undefined && error.responseCode >= 500
}

/** Emails whose payload holds a link that acts for its recipient (sign-in, data access). */
const ONE_TIME_LINK_TEMPLATES = new Set([
  'staff-password-reset',
  'staff-invitation',
  'my-data-link',
])

/** Ends a message for good, and the letters it carried with it. */
async function finish(
  db: DbOrTx,
  message: OutboxMessage,
  status: 'failed' | 'cancelled',
  reason: string,
  letterStatus: 'failed' | 'suppressed',
) {
  await markOutboxFinished(db, message.id, status, reason)
  await recordLetterDelivery(db, message, letterStatus)
}

/** Pressure on a paused case waits: letters, digests and updates (not confirmations). */
async function heldByPause(db: Database, message: OutboxMessage) {
  if (!message.actionId) return false
  const pressure = !message.transactional || PRESSURE_TEMPLATES.some((t) => t === message.template)
  if (!pressure) return false
  const [action] = await db
    .select({ pausedAt: actions.pausedAt })
    .from(actions)
    .where(eq(actions.id, message.actionId))
  return Boolean(action?.pausedAt)
}

/** Whether a supporter has stopped this kind of mail: everything, or this case's updates. */
async function unsubscribedFrom(
  db: Database,
  message: OutboxMessage,
  supporter: { unsubscribedAllAt: Date | null } | undefined,
) {
  if (!supporter || supporter.unsubscribedAllAt) return true
  if (!message.actionId) return false
  const [follow] = await db
    .select({ status: follows.status })
    .from(follows)
    .where(
      and(eq(follows.supporterId, message.supporterId!), eq(follows.actionId, message.actionId)),
    )
  return follow?.status !== 'active'
}

/**
 * Sends one outbox row. Delivery through BullMQ is at least once, so the row is claimed with a
 * conditional update first; a second delivery of the same job finds it claimed or sent and stops.
 */
export function createEmailDeliveryProcessor(deps: EmailDeliveryDeps) {
  const { db, transport } = deps
  return async function deliverEmail(job: Job<EmailDeliveryJob>, token?: string) {
    const { outboxId } = EmailDeliveryJobSchema.parse(job.data)
    const claim = await claimOutboxMessage(db, outboxId, deps.claimTimeoutMs)
    if (!claim.claimed) {
      if (claim.status === 'sending' && token) {
        // Another worker holds it (or died holding it): look again once its claim could expire.
        await job.moveToDelayed(Date.now() + deps.claimTimeoutMs, token)
        throw new DelayedError()
      }
      return { skipped: claim.status }
    }
    const message = claim.message
    if (await heldByPause(db, message)) {
      // Back to pending and out of the queue: the dispatcher sends it once the action resumes.
      await releaseOutboxMessage(db, outboxId)
      return { skipped: 'paused' }
    }
    const canonical = canonicalEmail(message.toAddress)
    const [suppression] = await db
      .select({ reason: suppressions.reason })
      .from(suppressions)
      .where(eq(suppressions.emailCanonical, canonical))
    if (suppression && (!message.transactional || suppression.reason !== 'unsubscribe')) {
      await finish(db, message, 'cancelled', `suppressed: ${suppression.reason}`, 'suppressed')
      return { skipped: 'suppressed' }
    }
    let locale: string | undefined
    let unsubscribeUrl: string | undefined
    if (message.supporterId) {
      const [supporter] = await db
        .select({ locale: supporters.locale, unsubscribedAllAt: supporters.unsubscribedAllAt })
        .from(supporters)
        .where(eq(supporters.id, message.supporterId))
      locale = supporter?.locale
      // Checked now, at send time: someone who unsubscribed a second ago gets nothing.
      if (!message.transactional && (await unsubscribedFrom(db, message, supporter))) {
        await markOutboxFinished(db, outboxId, 'cancelled', 'suppressed: unsubscribed')
        return { skipped: 'unsubscribed' }
      }
      const token = await createLinkToken('unsubscribe', {
        sup: message.supporterId,
        act: message.actionId,
      })
      unsubscribeUrl = `${deps.appUrl}/unsubscribe/${token}`
    }

    let rendered
    let loaded: Exclude<LoadedEmail, { cancel: string }> = {
      params: message.payload as Record<string, unknown>,
    }
    try {
      const loader = emailLoaders[message.template]
      if (loader) {
        const result = await loader.load(db, loader.payload.parse(message.payload), deps.appUrl)
        if ('cancel' in result) {
          await finish(db, message, 'cancelled', `cancelled: ${result.cancel}`, 'failed')
          return { skipped: result.cancel }
        }
        loaded = result
      }
      rendered = renderEmail(message.template, loaded.params, { locale, unsubscribeUrl })
    } catch (error) {
      await finish(db, message, 'failed', `render: ${(error as Error).message}`, 'failed')
      throw new UnrecoverableError('render failed')
    }

    try {
      const info = await transport.sendMail(
        toMailMessage({
          id: message.id,
          from: deps.mailFrom,
          fromName: loaded.fromName
            ? createTranslator('en')('email.letter.via', { name: loaded.fromName })
            : undefined,
          replyTo: loaded.replyTo,
          to: message.toAddress,
          appUrl: deps.appUrl,
          email: rendered,
          attachments: loaded.attachments,
        }),
      )
      await db.transaction(async (tx) => {
        await markOutboxSent(tx, outboxId, info.messageId)
        await recordLetterDelivery(tx, message, 'sent')
        // A delivered one-time link has no business staying readable in the database.
        if (ONE_TIME_LINK_TEMPLATES.has(message.template)) {
          await tx.update(emailOutbox).set({ payload: {} }).where(eq(emailOutbox.id, outboxId))
        }
      })
      return { sent: true }
    } catch (caught) {
      const error = caught as SmtpError
      const reason = `${describeSmtpError(error)}: ${error.response ?? error.message}`.slice(
        0,
        1000,
      )
      if (isPermanentRecipientFailure(error)) {
        await db.transaction(async (tx) => {
          await tx
            .insert(suppressions)
            .values({ emailCanonical: canonical, reason: 'bounce', detail: reason })
            .onConflictDoNothing()
          await finish(tx, message, 'failed', reason, 'suppressed')
        })
        throw new UnrecoverableError(describeSmtpError(error))
      }
      if (isPermanentMessageFailure(error)) {
        await finish(db, message, 'failed', reason, 'failed')
        throw new UnrecoverableError(describeSmtpError(error))
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      if (lastAttempt) await finish(db, message, 'failed', `gave up: ${reason}`, 'failed')
      else await markOutboxRetry(db, outboxId, reason)
      throw new Error(describeSmtpError(error))
    }
  }
}
