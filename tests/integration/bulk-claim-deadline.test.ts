// Bulk delivery claims on a pool of its own. A claim that never gets an answer (a connection that
// neither answers nor fails) must not stop bulk mail until the worker restarts: the pool is
// replaced and claiming goes on.
import crypto from 'node:crypto'
import net from 'node:net'
import { createDb } from '#db/client.ts'
import { startBulkDelivery } from '#jobs/bulk-delivery.ts'
import { BULK_CLAIM_SETTINGS, writeOutboxMessages } from '#jobs/outbox.ts'
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
