// Bulk delivery claims on a pool of its own. A claim that never gets an answer (a connection that
// neither answers nor fails) must not stop bulk mail until the worker restarts: the pool is
// replaced and claiming goes on.
import crypto from 'node:crypto'
import net from 'node:net'
import { createDb } from '#db/client.ts'
import { startBulkDelivery } from '#jobs/bulk-delivery.ts'
import { BULK_CLAIM_SETTINGS, markOutboxSent, writeOutboxMessages } from '#jobs/outbox.ts'
import type { ClaimedEmail } from '#jobs/workers/email-delivery.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'bulkclaim')
})
afterAll(async () => {
  await t?.drop()
})

test('a bulk claim that gets no answer is given up, and the update goes out on a new connection', async () => {
  // A server that takes the connection and never says a word: the claim on it goes unanswered.
  const silent: net.Socket[] = []
  const server = net.createServer((socket) => silent.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  const opened: string[] = []
  const openClaimDb = () => {
    const url = opened.length === 0 ? `postgres://vigil@127.0.0.1:${port}/silent` : t.url
    opened.push(url)
    return createDb(url, { max: 1, settings: BULK_CLAIM_SETTINGS })
  }

  const ids = await writeOutboxMessages(t.db, [
    {
      idempotencyKey: 'update:claim-deadline',
      template: 'action-update',
      to: 'follower@example.org',
      params: { updateId: crypto.randomUUID() },
    },
  ])
  const sent: string[] = []
  const log: string[] = []
  const bulk = startBulkDelivery({
    db: t.db,
    openClaimDb,
    claimDeadlineMs: 500,
    send: async ({ message }: ClaimedEmail) => {
      sent.push(message.id)
      return { sent: true }
    },
    concurrency: 2,
    claimTimeoutMs: 60_000,
    attempts: 3,
    backoffMs: 1000,
    log: (line) => log.push(line),
  })
  // As the worker's poll does.
  const poll = setInterval(() => bulk.wake(), 100)
  try {
    bulk.wake()
    await expect.poll(() => sent, { timeout: 5_000 }).toEqual([...ids.values()])
    expect(opened).toEqual([`postgres://vigil@127.0.0.1:${port}/silent`, t.url])
    expect(log.join('\n')).toMatch(/a bulk claim went unanswered for 500 ms/)
  } finally {
    clearInterval(poll)
    await bulk.stop()
    for (const socket of silent) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
})

// Messages are claimed ahead of the senders. One that waits behind a slow relay until its claim
// times out may meanwhile be claimed again (releaseStaleClaims puts it back), and sent: the copy
// still waiting must then not go as well.
test('a claimed-ahead message that waited half the claim timeout is given back, not sent: each message goes once', async () => {
  const ids = await writeOutboxMessages(
    t.db,
    [1, 2, 3, 4].map((n) => ({
      idempotencyKey: `update:claimed-ahead:${n}`,
      template: 'action-update',
      to: `follower-${n}@example.org`,
      params: { updateId: crypto.randomUUID() },
    })),
  )
  const sent: string[] = []
  const bulk = startBulkDelivery({
    db: t.db,
    openClaimDb: () => createDb(t.url, { max: 1, settings: BULK_CLAIM_SETTINGS }),
    send: async ({ message }: ClaimedEmail) => {
      if (sent.length === 0) {
        // The first message meets a slow relay. Meanwhile the claims of those waiting behind it
        // time out, as releaseStaleClaims finds them (here at 550 ms, past half of 1,000).
        await new Promise((resolve) => setTimeout(resolve, 550))
        const waiting = [...ids.values()].filter((id) => id !== message.id)
        await t.db.$client`
          update email_outbox set status = 'pending'
          where status = 'sending' and id = any(${waiting}::uuid[])`
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      sent.push(message.id)
      await markOutboxSent(t.db, message.id, undefined)
      return { sent: true }
    },
    concurrency: 1,
    claimTimeoutMs: 1000,
    attempts: 3,
    backoffMs: 1000,
    log: () => {},
  })
  const poll = setInterval(() => bulk.wake(), 100)
  try {
    bulk.wake()
    await expect.poll(() => sent.length, { timeout: 8_000 }).toBeGreaterThanOrEqual(4)
    // Long enough for a stale copy to go too, if one were kept.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect([...sent].sort()).toEqual([...ids.values()].sort())
  } finally {
    clearInterval(poll)
    await bulk.stop()
  }
})
