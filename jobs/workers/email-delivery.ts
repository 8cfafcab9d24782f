import { DelayedError, UnrecoverableError, type Job } from 'bullmq'
import { eq, sql } from 'drizzle-orm'
import { describeDatabaseError, isDatabaseUnavailable } from '#app/utils/db-errors.server.ts'
import { canonicalEmail } from '#app/utils/email-address.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { createLinkToken } from '#app/utils/tokens.server.ts'
import type { Database, DbOrTx } from '#db/client.ts'
import { suppressions } from '#db/schema.ts'
import { createRenderCache, renderEmail } from '#emails/render.ts'
import { toMailMessage, type MailTransport } from '#emails/transport.ts'
import type { Gather } from '../coalescer.ts'
import { emailLoaders, type LoadedEmail } from '../email-loaders.ts'
import { carriesLetters, recordLetterDelivery } from '../letters.ts'
import {
  createOutboxClaimer,
  type ClaimedMessage,
  createOutboxSentMarker,
  markOutboxFinished,
  markOutboxRetry,
  markOutboxSent,
  releaseOutboxMessage,
} from '../outbox.ts'
import { EmailDeliveryJobSchema, type EmailDeliveryJob } from '../queues.ts'

export type EmailDeliveryDeps = {
  db: Database
  transport: MailTransport
  mailFrom: string
  appUrl: string
  claimTimeoutMs: number
  /**
   * How sent marks gather into one statement (see createCoalescer). A message keeps its sending
   * slot until its mark is written, so what a crash can send twice stays within the concurrency.
   */
  sentMarks?: Gather
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

/** The enhanced status code of an SMTP reply (RFC 3463), as "5.1.1", if it gives one. */
function enhancedStatus(error: SmtpError) {
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(error.response ?? '')?.[1]
}

/**
 * A recipient that does not exist or takes no mail (5xx at RCPT TO, addressing status 5.1.x or
 * 5.2.1; without an enhanced status code, a reply that says so): retrying cannot help, and the
 * address is suppressed. A refusal for any other reason at that step (5.7.1 relay access denied,
 * say: our relay's settings) says nothing about the address, and must not suppress everyone.
 */
function isPermanentRecipientFailure(error: SmtpError) {
  if (error.responseCode === undefined || error.responseCode < 500) return false
  // Only RCPT TO speaks of the recipient: nodemailer reports a refused sender (MAIL FROM) as an
  // envelope error too, which must not suppress everyone we write to.
  if (error.command !== 'RCPT TO') return false
  const status = enhancedStatus(error)
  if (status) return /^5\.1\.\d+$/.test(status) || status === '5.2.1'
  return /no such|unknown|does ?n[o']t exist|not found|invalid (recipient|mailbox|address)|mailbox unavailable/i.test(
    error.response ?? '',
  )
}

/**
 * Refused by our relay's security or policy (5.7.x: relay access denied, authentication
 * required or failed; 530 and 535 without a status code): a setting to put right, after which
 * the message should still go. Tried again with backoff, as a transient failure.
 */
function isRelayPolicyRefusal(error: SmtpError) {
  const status = enhancedStatus(error)
  if (status) return status.startsWith('5.7.')
  return error.responseCode === 530 || error.responseCode === 535
}

function isPermanentMessageFailure(error: SmtpError) {
  return (
    error.responseCode !== undefined && error.responseCode >= 500 && !isRelayPolicyRefusal(error)
  )
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
  message: ClaimedMessage,
  status: 'failed' | 'cancelled',
  reason: string,
  letterStatus: 'failed' | 'suppressed',
) {
  // Together: a letter left queued beside a finished email would never be scheduled again.
  await db.transaction(async (tx) => {
    await markOutboxFinished(tx, message.id, status, reason)
    await recordLetterDelivery(tx, message, letterStatus)
  })
}

/** Pressure on a paused case waits: letters, digests and updates (not confirmations). */
function isPressure(message: ClaimedMessage) {
  return !message.transactional || carriesLetters(message.template)
}

type SendContext = {
  paused: boolean | null
  suppression: string | null
  supporter: { locale: string; unsubscribedAll: boolean } | null
  followStatus: string | null
}

/**
 * Everything that decides whether and how a claimed message goes, read by the claim itself: a
 * fan-out sends thousands of these, and each separate query cost a write and a wait. Suppressions
 * are keyed by the canonical address, which only the worker computes: the claim looks up the
 * address lower-cased and trimmed, and `suppressionKey` says which key it used.
 */
export const sendContext = {
  // Written out with aliases: in RETURNING, Drizzle names columns without their table.
  paused: sql<boolean | null>`(select a.paused_at is not null from actions a
    where a.id = email_outbox.action_id)`,
  suppressionKey: sql<string>`lower(btrim(email_outbox.to_address))`,
  suppression: sql<string | null>`(select s.reason from suppressions s
    where s.email_canonical = lower(btrim(email_outbox.to_address)))`,
  supporter: sql<SendContext['supporter']>`(select json_build_object(
      'locale', p.locale, 'unsubscribedAll', p.unsubscribed_all_at is not null)
    from supporters p where p.id = email_outbox.supporter_id)`,
  followStatus: sql<string | null>`(select f.status from follows f
    where f.supporter_id = email_outbox.supporter_id and f.action_id = email_outbox.action_id)`,
}

/** The suppression of a canonical address the claim did not look up (a Gmail dot or +tag). */
async function readSuppression(db: Database, canonical: string) {
  const [row] = await db
    .select({ reason: suppressions.reason })
    .from(suppressions)
    .where(eq(suppressions.emailCanonical, canonical))
  return row?.reason ?? null
}

/** Whether a supporter has stopped this kind of mail: everything, or this case's updates. */
function unsubscribedFrom(message: ClaimedMessage, context: SendContext) {
  if (!context.supporter || context.supporter.unsubscribedAll) return true
  if (!message.actionId) return false
  return context.followStatus !== 'active'
}

/** A message claimed for sending, with what its claim read about it. */
export type ClaimedEmail = {
  message: ClaimedMessage
  context: SendContext & { suppressionKey: string }
}

/**
 * How a claimed message ended. `retry` and `failed` carry a reason without the recipient's
 * address: it may reach Redis and the logs.
 */
export type SendOutcome =
  | { sent: true }
  | { skipped: string }
  // Worth trying again: the row is pending again (or failed, on its last attempt).
  | { retry: string }
  // For good: the row is finished.
  | { failed: string }

export type SendOptions = {
  /** This is the message's last attempt: a transient failure fails it for good. */
  lastAttempt: boolean
  /** Bulk mail has no queue to delay its retry: the row waits this long before it is due again. */
  retryAfterMs?: number
}

/**
 * Sends one claimed message, checking at send time whatever could have changed since it was
 * written: a paused case, a suppression, an unsubscribe. Used by the queue's worker (one job
 * per message) and by bulk delivery (claimed in batches straight from PostgreSQL).
 */
export function createEmailSender(deps: EmailDeliveryDeps) {
  const { db, transport } = deps
  // An update is rendered once per locale for all its followers; only the unsubscribe link varies.
  const renderCache = createRenderCache()
  const markSent = createOutboxSentMarker(db, { gather: deps.sentMarks })

  /** After a failure worth trying again: pending again, or failed on the last attempt. */
  async function retryOrGiveUp(message: ClaimedMessage, reason: string, options: SendOptions) {
    if (options.lastAttempt) await finish(db, message, 'failed', `gave up: ${reason}`, 'failed')
    else await markOutboxRetry(db, message.id, reason, options.retryAfterMs)
  }

  return async function sendClaimed(
    { message, context }: ClaimedEmail,
    options: SendOptions,
  ): Promise<SendOutcome> {
    const outboxId = message.id
    const canonical = canonicalEmail(message.toAddress)
    if (context.suppressionKey !== canonical)
      context.suppression = await readSuppression(db, canonical)
    if (context.paused && isPressure(message)) {
      // Back to pending (and out of the queue): sent once the action resumes.
      await releaseOutboxMessage(db, outboxId)
      return { skipped: 'paused' }
    }
    const suppression = context.suppression
    if (suppression && (!message.transactional || suppression !== 'unsubscribe')) {
      await finish(db, message, 'cancelled', `suppressed: ${suppression}`, 'suppressed')
      return { skipped: 'suppressed' }
    }
    let locale: string | undefined
    let unsubscribeUrl: string | undefined
    if (message.supporterId) {
      locale = context.supporter?.locale
      // Checked now, at send time: someone who unsubscribed a second ago gets nothing.
      if (!message.transactional && unsubscribedFrom(message, context)) {
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
      const render = loader?.shared ? renderCache.render : renderEmail
      rendered = render(message.template, loaded.params, { locale, unsubscribeUrl })
    } catch (error) {
      // The loader reads the database: losing it (a restart) is no fault of the message, so it
      // is tried again, as after a refused relay.
      if (isDatabaseUnavailable(error)) {
        const reason = `database: ${describeDatabaseError(error)}`
        await retryOrGiveUp(message, reason, options)
        return { retry: reason }
      }
      await finish(db, message, 'failed', `render: ${(error as Error).message}`, 'failed')
      return { failed: 'render failed' }
    }

    let info: { messageId?: string }
    try {
      info = await transport.sendMail(
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
        return { failed: describeSmtpError(error) }
      }
      if (isPermanentMessageFailure(error)) {
        await finish(db, message, 'failed', reason, 'failed')
        return { failed: describeSmtpError(error) }
      }
      await retryOrGiveUp(message, reason, options)
      return { retry: describeSmtpError(error) }
    }

    // SMTP has it. Recording that may meet the database restarting: try again for a while
    // rather than leave the row to be sent a second time once its claim runs out.
    const recordingSince = Date.now()
    for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
      try {
        await recordSent(message, info.messageId)
        return { sent: true }
      } catch (error) {
        const canWait = Date.now() - recordingSince + wait < deps.claimTimeoutMs / 2
        if (!isDatabaseUnavailable(error) || !canWait) throw error
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
    }
  }

  async function recordSent(message: ClaimedMessage, smtpMessageId: string | undefined) {
    if (carriesLetters(message.template)) {
      // Letters follow their email in the same transaction.
      await db.transaction(async (tx) => {
        await markOutboxSent(tx, message.id, smtpMessageId)
        await recordLetterDelivery(tx, message, 'sent')
      })
    } else if (ONE_TIME_LINK_TEMPLATES.has(message.template)) {
      // A delivered one-time link has no business staying readable in the database.
      await markOutboxSent(db, message.id, smtpMessageId, { clearPayload: true })
    } else await markSent(message.id, smtpMessageId)
  }
}

/**
 * Sends one outbox row per job. Delivery through BullMQ is at least once, so the row is claimed
 * with a conditional update first; a second delivery of the same job finds it claimed or sent
 * and stops.
 */
export function createEmailDeliveryProcessor(
  deps: EmailDeliveryDeps,
  sendClaimed = createEmailSender(deps),
) {
  const claimOutboxMessage = createOutboxClaimer(deps.db, {
    context: sendContext,
    claimTimeoutMs: deps.claimTimeoutMs,
  })
  return async function deliverEmail(job: Job<EmailDeliveryJob>, token?: string) {
    const { outboxId } = EmailDeliveryJobSchema.parse(job.data)
    const claim = await claimOutboxMessage(outboxId)
    if (!claim.claimed) {
      if (claim.status === 'sending' && token) {
        // Another worker holds it (or died holding it): look again once its claim could expire.
        await job.moveToDelayed(Date.now() + deps.claimTimeoutMs, token)
        throw new DelayedError()
      }
      return { skipped: claim.status }
    }
    const outcome = await sendClaimed(claim, {
      lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    }).catch((error: unknown) => {
      // Drizzle's message quotes the failed query's parameters (an address, say), and BullMQ
      // keeps a failed job's message in Redis, which the log prints too: the driver's words only.
      throw new Error(`database: ${describeDatabaseError(error)}`, { cause: error })
    })
    // BullMQ retries with its backoff what throws, and never what throws UnrecoverableError.
    if ('retry' in outcome) throw new Error(outcome.retry)
    if ('failed' in outcome) throw new UnrecoverableError(outcome.failed)
    return outcome
  }
}
