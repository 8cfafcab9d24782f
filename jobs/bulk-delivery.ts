// Bulk mail (everything not transactional: a case's updates to its followers) goes straight from
// PostgreSQL to SMTP: claimed in batches with SKIP LOCKED, sent over the worker's SMTP pool, and
// marked sent in batches. A 100,000-follower fan-out so costs no queue job per message (three
// Redis round trips and a row update each), and keeps going while Redis is away. Transactional
// mail (confirmations, letters) keeps its BullMQ job each.
//
// Delivery stays at least once, as for queued mail: a worker that dies mid-send leaves its
// claimed rows "sending" until the claim timeout puts them back (releaseStaleClaims); the
// messages it had sent but not yet marked may go twice, at most `concurrency` of them.
import { describeDatabaseError } from '#app/utils/db-errors.server.ts'
import { closeDb, type Database } from '#db/client.ts'
import { createBulkClaimer, releaseOutboxMessage } from './outbox.ts'
import {
  sendContext,
  type ClaimedEmail,
  type SendOptions,
  type SendOutcome,
} from './workers/email-delivery.ts'

export type BulkDeliveryOptions = {
  db: Database
  /**
   * Opens the claim's pool of its own, with BULK_CLAIM_SETTINGS (see createBulkClaimer); opened
   * anew when a claim goes unanswered.
   */
  openClaimDb: () => Database
  /** How long a claim may go unanswered before its pool is replaced (it takes milliseconds). */
  claimDeadlineMs?: number
  send: (claimed: ClaimedEmail, options: SendOptions) => Promise<SendOutcome>
  /** Messages sent at once; up to twice as many more are claimed ahead (see claimMore). */
  concurrency: number
  /**
   * After this long a claim may be given to another worker (releaseStaleClaims). A claimed-ahead
   * message still waiting at half of it (a relay slow to answer) is given back, not sent, so
   * that it cannot go twice.
   */
  claimTimeoutMs: number
  /** Tries before a message fails for good, and the first retry's delay (doubling), as queued. */
  attempts: number
  backoffMs: number
  log: (message: string) => void
}

/** A claim that got no answer in time, from PostgreSQL or from the driver. */
class ClaimUnansweredError extends Error {}

export function startBulkDelivery({
  db,
  openClaimDb,
  claimDeadlineMs = 30_000,
  send,
  concurrency,
  claimTimeoutMs,
  attempts,
  backoffMs,
  log,
}: BulkDeliveryOptions) {
  let claimDb = openClaimDb()
  let claimBulk = createBulkClaimer(claimDb, { context: sendContext })
  // A query can go unanswered for good: a connection that neither answers nor fails (a host gone
  // silent, or a driver bug such as the one patches/ now fixes, a query written as PostgreSQL
  // ended its connection), and the pool's later queries wait behind it. Bulk mail would then stop
  // until a restart; instead the pool is ended (failing the query) and a new one opened. Rows
  // that claim took stay "sending" until the claim timeout puts them back, so nothing is sent
  // twice for it.
  function replaceClaimPool() {
    const unanswered = claimDb
    claimDb = openClaimDb()
    claimBulk = createBulkClaimer(claimDb, { context: sendContext })
    unanswered.$client.end({ timeout: 0 }).catch(() => {})
  }
  // Claimed messages waiting for a sender, with when their claim was made.
  const ready: (ClaimedEmail & { claimedAt: number })[] = []
  let sending = 0
  let claiming: Promise<void> | undefined
  // The last claim took all it asked for: more are due, so claim again as soon as there is room.
  let moreDue = false
  let failing = false
  let stopped = false
  let drained: (() => void) | undefined

  function claimMore() {
    if (claiming || stopped) return
    // The next claim goes while half a round of sends is still waiting, so the senders do not
    // wait for it, and takes at least one and a half rounds: one statement for many messages.
    // (Claiming only once the claimed-ahead ran out left the senders short 15% of the time.)
    if (ready.length >= Math.ceil(concurrency / 2)) return
    const room = 3 * concurrency - sending - ready.length
    let deadline: NodeJS.Timeout | undefined
    claiming = Promise.race([
      claimBulk(room),
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new ClaimUnansweredError()), claimDeadlineMs)
      }),
    ])
      .then((claimed) => {
        if (failing) log('worker: bulk delivery recovered')
        failing = false
        moreDue = claimed.length === room
        const claimedAt = Date.now()
        for (const email of claimed) ready.push({ ...email, claimedAt })
      })
      .catch((error: Error) => {
        if (error instanceof ClaimUnansweredError) {
          log(`worker: a bulk claim went unanswered for ${claimDeadlineMs} ms; new connection`)
          replaceClaimPool()
        } else if (!failing) {
          // PostgreSQL away: the messages wait there; the next wake-up or poll tries again.
          log(`worker: bulk delivery paused: ${describeDatabaseError(error)}`)
        }
        failing = true
        moreDue = false
      })
      .finally(() => {
        clearTimeout(deadline)
        claiming = undefined
        sendReady()
        if (moreDue) claimMore()
      })
  }

  function sendReady() {
    while (!stopped && sending < concurrency && ready.length > 0) {
      const claimed = ready.shift()!
      if (Date.now() - claimed.claimedAt > claimTimeoutMs / 2) {
        const { id, attempts: claimedAttempts } = claimed.message
        releaseOutboxMessage(db, id, { claimedAttempts }).catch((error: Error) =>
          log(`worker: could not give back bulk email: ${describeDatabaseError(error)}`),
        )
        continue
      }
      sending++
      const tries = claimed.message.attempts
      send(claimed, {
        lastAttempt: tries >= attempts,
        retryAfterMs: backoffMs * 2 ** (tries - 1),
      })
        .catch((error: Error) => {
          // Recording the outcome failed (the database went away mid-send): the row stays
          // "sending" until the claim timeout puts it back.
          log(`worker: bulk email ${claimed.message.id}: ${describeDatabaseError(error)}`)
        })
        .finally(() => {
          sending--
          if (stopped && sending === 0) drained?.()
          sendReady()
          if (moreDue) claimMore()
        })
    }
  }

  return {
    /** New bulk mail may be due (a fan-out wrote some, a retry's time came, a case resumed). */
    wake: claimMore,
    /** Finishes the messages being sent, and gives back those claimed ahead. */
    async stop() {
      stopped = true
      await claiming
      const unsent = ready.splice(0)
      await Promise.all(
        unsent.map(({ message }) =>
          releaseOutboxMessage(db, message.id, { claimedAttempts: message.attempts }),
        ),
      ).catch((error: Error) => log(`worker: could not give back bulk email: ${error.message}`))
      if (sending > 0) await new Promise<void>((resolve) => (drained = resolve))
      await closeDb(claimDb)
    },
  }
}
