// The delivery engine, end to end with real worker processes: letters to the authorities and
// updates to followers arrive once each, within their throttles, through failures and a kill.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
// Types only: the modules themselves are imported once the environment is set.
import type { closeAction as CloseAction } from '#app/models/action-admin.server.ts'
import type { unsubscribe as Unsubscribe } from '#app/models/follow.server.ts'
import type { confirmSignature as ConfirmSignature } from '#app/models/signature.server.ts'
import type { createLinkToken as CreateLinkToken } from '#app/utils/tokens.server.ts'
import type { fanOutPublishedUpdates as FanOutPublishedUpdates } from '#jobs/fanout.ts'
import {
  actions,
  actionUpdates,
  authorities,
  emailOutbox,
  follows,
  letters,
  signatures,
  staffUsers,
  supporters,
} from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction, createFollowers, createSupporter } from '#tests/support/factories.ts'
import { waitFor } from '#tests/support/ports.ts'
import {
  deleteRedisPrefix,
  isAlive,
  SHARED_REDIS_URL,
  startWorkerProcess,
  uniqueRedisPrefix,
  type RunningProcess,
} from '#tests/support/processes.ts'
import {
  rawHeader,
  startSmtpCapture,
  type CapturedMail,
  type SmtpCapture,
} from '#tests/support/smtp.ts'

let t: TestDatabase
let smtp: SmtpCapture
const prefixes: string[] = []
const workers: RunningProcess[] = []
// Loaded after the environment points at the test database (the models read it once).
let models: {
  confirmSignature: typeof ConfirmSignature
  createLinkToken: typeof CreateLinkToken
  unsubscribe: typeof Unsubscribe
  fanOutPublishedUpdates: typeof FanOutPublishedUpdates
  closeAction: typeof CloseAction
}

const WINDOW_SECONDS = 2
const THROTTLE = 10
const CONCURRENCY = 10

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'delivery')
  smtp = await startSmtpCapture()
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    REDIS_URL: SHARED_REDIS_URL,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: 'https://vigil.test',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0000',
  })
  models = {
    confirmSignature: (await import('#app/models/signature.server.ts')).confirmSignature,
    createLinkToken: (await import('#app/utils/tokens.server.ts')).createLinkToken,
    unsubscribe: (await import('#app/models/follow.server.ts')).unsubscribe,
    fanOutPublishedUpdates: (await import('#jobs/fanout.ts')).fanOutPublishedUpdates,
    closeAction: (await import('#app/models/action-admin.server.ts')).closeAction,
  }
})

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop('SIGKILL')))
  const { getDb } = await import('#app/utils/db.server.ts')
  const { closeDb } = await import('#db/client.ts')
  await closeDb(getDb())
  await smtp?.close()
  for (const prefix of prefixes) await deleteRedisPrefix(SHARED_REDIS_URL, prefix)
  await t?.drop()
})

async function startWorker(extra: Record<string, string> = {}, prefix = uniqueRedisPrefix()) {
  prefixes.push(prefix)
  const worker = await startWorkerProcess({
    DATABASE_URL: t.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
    SMTP_URL: smtp.url,
    LETTER_THROTTLE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    DIGEST_PERIOD_SECONDS: '3',
    EMAIL_CONCURRENCY: String(CONCURRENCY),
    OUTBOX_CLAIM_TIMEOUT_MS: '4000',
    ...extra,
  })
  workers.push(worker)
  return Object.assign(worker, { prefix })
}

/** An action with two authorities (a minister and an embassy copy), in the given mode. */
async function actionWithTwoAuthorities(mode: 'individual' | 'digest' | 'hand') {
  const action = await createAction(t.db, { deliveryMode: mode, throttlePerHour: THROTTLE })
  const suffix = crypto.randomBytes(3).toString('hex')
  await t.db
    .update(authorities)
    .set({ email: `minister-${suffix}@justice.example` })
    .where(eq(authorities.actionId, action.id))
  await t.db.insert(authorities).values({
    actionId: action.id,
    role: 'copy',
    position: 2,
    name: 'The Ambassador',
    title: 'Ambassador',
    salutation: 'Your Excellency',
    email: `embassy-${suffix}@embassy.example`,
  })
  return {
    action,
    addresses: [`minister-${suffix}@justice.example`, `embassy-${suffix}@embassy.example`],
  }
}

/** n supporters sign and confirm through the same code path as the Confirm button. */
async function confirmSignatures(actionId: string, n: number, label: string) {
  const people: { firstName: string; lastName: string; email: string }[] = []
  for (let i = 0; i < n; i++) {
    const person = {
      firstName: `${label}${i}`,
      lastName: `Signer${i}`,
      email: `${label}-${i}-${Date.now()}@example.org`,
    }
    const supporter = await createSupporter(t.db, { ...person, emailCanonical: person.email })
    const [signature] = await t.db
      .insert(signatures)
      .values({
        actionId,
        supporterId: supporter.id,
        country: 'ES',
        consentAt: new Date(),
        personalMessage: `Message ${i}`,
      })
      .returning()
    const view = await models.confirmSignature(
      await models.createLinkToken('confirm-signature', { sid: signature!.id }),
    )
    expect(view.status).toBe('ready')
    people.push(person)
  }
  return people
}

/** The most messages any sliding window of `windowMs` saw, by arrival time. */
function busiestWindow(mails: CapturedMail[], windowMs: number) {
  const times = mails.map((mail) => mail.receivedAt).sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

const to = (address: string) => smtp.messages.filter((mail) => mail.envelopeTo.includes(address))

async function publishUpdate(actionId: string, title: string) {
  const [update] = await t.db
    .insert(actionUpdates)
    .values({
      actionId,
      sequence: 1,
      title,
      body: 'She was **moved** to a prison near her family.',
      publishedAt: new Date(),
    })
    .returning()
  return update!
}

/** An editor closes the action with the outcome "released" and this note. */
async function closeAsReleased(actionId: string, outcomeNote: string) {
  const [staff] = await t.db
    .insert(staffUsers)
    .values({
      email: `closer-${crypto.randomUUID()}@vigil.test`,
      name: 'Cleo Closer',
      role: 'editor',
    })
    .returning()
  return models.closeAction(t.db, {
    id: actionId,
    outcome: 'released',
    outcomeNote,
    actor: { staffUserId: staff!.id, ip: null },
  })
}

describe('letters to the authorities', () => {
  let worker: RunningProcess
  beforeAll(async () => {
    worker = await startWorker()
  })
  afterAll(() => worker.stop())

  test('individual mode: 50 signatures to two authorities make exactly 100 letters, each named, within the throttle', async () => {
    const { action, addresses } = await actionWithTwoAuthorities('individual')
    const people = await confirmSignatures(action.id, 50, 'Ind')
    await waitFor(() => to(addresses[0]!).length + to(addresses[1]!).length >= 100, {
      timeoutMs: 60_000,
      what: '100 letters',
    })
    await new Promise((resolve) => setTimeout(resolve, 1500))
    for (const address of addresses) {
      const received = to(address)
      expect(received).toHaveLength(50)
      const senders = received.map((mail) => mail.from?.value[0]?.name).sort()
      expect(senders).toEqual(people.map((p) => `${p.firstName} ${p.lastName} via Vigil`).sort())
      for (const mail of received) {
        const name = mail.from!.value[0]!.name!.replace(' via Vigil', '')
        const person = people.find((p) => `${p.firstName} ${p.lastName}` === name)!
        expect(mail.from?.value[0]?.address).toBe('no-reply@vigil.test')
        expect(mail.replyTo?.value[0]?.address).toBe(person.email)
        expect(mail.text).toContain(`${person.firstName} ${person.lastName}`)
        expect(mail.headers.has('list-unsubscribe')).toBe(false)
      }
      const busiest = busiestWindow(received, WINDOW_SECONDS * 1000)
      console.log(
        `throttle: ${address} got ${received.length} letters, at most ${busiest} in any ${WINDOW_SECONDS} s (limit ${THROTTLE})`,
      )
      expect(busiest).toBeLessThanOrEqual(THROTTLE)
    }
    // SMTP accepts each letter a moment before the worker records it as sent.
    await waitFor(
      async () => {
        const statuses = await t.db.execute<{ status: string; n: number }>(sql`
          select l.status, count(*)::int as n from letters l join authorities a on a.id = l.authority_id
          where a.action_id = ${action.id} group by 1`)
        return statuses.length === 1 && statuses[0]!.status === 'sent' && statuses[0]!.n === 100
      },
      { what: 'all 100 letters recorded as sent' },
    )
    // Each supporter was thanked once, with the letter sent in their name.
    const thanks = smtp.messages.filter(
      (m) =>
        m.subject === 'Thank you for acting for Imani Testperson' &&
        m.envelopeTo[0]!.toLowerCase().startsWith('ind-'),
    )
    expect(thanks).toHaveLength(50)
    expect(thanks[0]!.text).toContain('Dear Minister')
  })

  test('digest mode: one email per authority, with every letter in a CSV', async () => {
    const { action, addresses } = await actionWithTwoAuthorities('digest')
    // Confirming 50 can take longer than the shortened period on a busy machine: hold the
    // action while they come in, so the test is about one period's letters.
    await t.db.update(actions).set({ pausedAt: new Date() }).where(eq(actions.id, action.id))
    const people = await confirmSignatures(action.id, 50, 'Dig')
    await t.db.update(actions).set({ pausedAt: null }).where(eq(actions.id, action.id))
    await waitFor(() => to(addresses[0]!).length + to(addresses[1]!).length >= 2, {
      timeoutMs: 30_000,
      what: 'two digests',
    })
    await new Promise((resolve) => setTimeout(resolve, 4000))
    for (const address of addresses) {
      const received = to(address)
      expect(received).toHaveLength(1)
      const digest = received[0]!
      expect(digest.subject).toMatch(/: 50 letters about Imani Testperson$/)
      expect(digest.attachments).toHaveLength(1)
      const csv = digest.attachments[0]!.content.toString('utf8')
      const lines = csv.trim().split('\n')
      expect(lines[0]).toBe('first_name,last_name,country,signed_at,letter')
      for (const person of people)
        expect(csv).toContain(`${person.firstName},${person.lastName},Spain`)
      expect(new Set(people.map((p) => p.firstName)).size).toBe(50)
    }
    const [row] = await t.db.execute<{ n: number }>(sql`
      select count(*)::int as n from letters l join authorities a on a.id = l.authority_id
      where a.action_id = ${action.id} and l.status = 'sent' and l.digest_id is not null`)
    expect(row!.n).toBe(100)
  })

  test('hand delivery emails nothing and keeps the letters for printing', async () => {
    const { action, addresses } = await actionWithTwoAuthorities('hand')
    await confirmSignatures(action.id, 3, 'Hand')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(to(addresses[0]!)).toHaveLength(0)
    expect(to(addresses[1]!)).toHaveLength(0)
    const kept = await t.db.execute<{ n: number }>(sql`
      select count(*)::int as n from letters l join authorities a on a.id = l.authority_id
      where a.action_id = ${action.id} and l.status = 'hand'`)
    expect(kept[0]!.n).toBe(6)
  })

  test('letters of a paused action wait, and go once it resumes', async () => {
    const { action, addresses } = await actionWithTwoAuthorities('individual')
    await t.db.update(actions).set({ pausedAt: new Date() }).where(eq(actions.id, action.id))
    // Signed before the pause, confirmed during it: counted, but the letters are held.
    await confirmSignatures(action.id, 2, 'Pause')
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(to(addresses[0]!).length + to(addresses[1]!).length).toBe(0)
    await t.db.update(actions).set({ pausedAt: null }).where(eq(actions.id, action.id))
    await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)
    await waitFor(() => to(addresses[0]!).length + to(addresses[1]!).length >= 4, {
      what: 'letters after resuming',
    })
  })
})

describe('updates to followers', () => {
  test('an update is written to its followers in batches: one email each to those still following, none to one who left or was erased, and nothing twice when a batch is written again', async () => {
    const action = await createAction(t.db)
    const addresses = await createFollowers(t.db, action.id, 25, `batch${Date.now()}`)
    const people = await t.db
      .select({ id: supporters.id, email: supporters.email })
      .from(supporters)
      .where(inArray(supporters.email, addresses))
    const [leaver, erased] = people
    await t.db
      .update(follows)
      .set({ status: 'unsubscribed' })
      .where(and(eq(follows.supporterId, leaver!.id), eq(follows.actionId, action.id)))
    await t.db
      .update(supporters)
      .set({
        email: null,
        emailCanonical: null,
        firstName: null,
        lastName: null,
        erasedAt: new Date(),
      })
      .where(eq(supporters.id, erased!.id))
    const update = await publishUpdate(action.id, 'Batches')

    let written = 0
    for (let n; (n = await models.fanOutPublishedUpdates(t.db, { batchSize: 10 })) > 0;)
      written += n
    const rows = await t.db.select().from(emailOutbox).where(eq(emailOutbox.updateId, update.id))
    const expected = people.filter((p) => p !== leaver && p !== erased)
    expect(written).toBe(23)
    expect(rows.map((row) => row.toAddress).sort()).toEqual(expected.map((p) => p.email).sort())
    for (const row of rows) {
      expect(row).toMatchObject({
        idempotencyKey: `update:${update.id}:${row.supporterId}`,
        template: 'action-update',
        payload: { updateId: update.id },
        transactional: false,
        actionId: action.id,
        status: 'pending',
      })
      expect(row.toAddress).toBe(people.find((p) => p.id === row.supporterId)!.email)
    }
    const [done] = await t.db.select().from(actionUpdates).where(eq(actionUpdates.id, update.id))
    expect(done!.fanoutTotal).toBe(24)
    expect(done!.fanoutCompletedAt).not.toBeNull()

    // Written again from the start (a worker that died before its cursor was saved): no new email.
    await t.db
      .update(actionUpdates)
      .set({ fanoutCursor: null, fanoutCompletedAt: null })
      .where(eq(actionUpdates.id, update.id))
    expect(await models.fanOutPublishedUpdates(t.db, { batchSize: 10 })).toBe(0)
    expect(await t.db.$count(emailOutbox, eq(emailOutbox.updateId, update.id))).toBe(23)
    // Nobody is to receive these: later tests' workers would otherwise send them.
    await t.db
      .update(emailOutbox)
      .set({ status: 'cancelled' })
      .where(eq(emailOutbox.updateId, update.id))
  })

  test('an update to 1,000 followers: 1,000 emails, no duplicates, unsubscribe headers, and nothing for one who unsubscribed after publication', async () => {
    const action = await createAction(t.db)
    await createFollowers(t.db, action.id, 1000, `f1k${Date.now()}`)
    const update = await publishUpdate(action.id, 'Moved to a prison near her family')
    // Published, and its emails written, before one follower unsubscribes and before any is sent.
    while ((await models.fanOutPublishedUpdates(t.db, { batchSize: 400 })) > 0);
    const [leaver] = await t.db
      .select({ supporterId: follows.supporterId })
      .from(follows)
      .where(eq(follows.actionId, action.id))
      .limit(1)
    const token = await models.createLinkToken('unsubscribe', {
      sup: leaver!.supporterId,
      act: action.id,
    })
    expect((await models.unsubscribe(token, 'case')).status).toBe('unsubscribed')

    const worker = await startWorker()
    const subject = `${action.reference} update 1: Moved to a prison near her family`
    const received = () => smtp.messages.filter((m) => m.subject === subject)
    // Generous: other files' workers share two cores in CI, and a missed email still fails below.
    await waitFor(() => received().length >= 999, { timeoutMs: 180_000, what: '999 update emails' })
    await new Promise((resolve) => setTimeout(resolve, 2000))
    await worker.stop()
    const recipients = received().map((m) => m.envelopeTo[0]!)
    expect(recipients).toHaveLength(999)
    expect(new Set(recipients).size).toBe(999)
    const [leaverRow] = await t.db.execute<{ email: string }>(
      sql`select email from supporters where id = ${leaver!.supporterId}`,
    )
    expect(recipients).not.toContain(leaverRow!.email)
    for (const mail of received()) {
      expect(rawHeader(mail, 'List-Unsubscribe')).toMatch(
        /^<https:\/\/vigil\.test\/unsubscribe\/[\w.-]+>$/,
      )
      expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    }
    const [progress] = await t.db
      .select()
      .from(actionUpdates)
      .where(eq(actionUpdates.id, update.id))
    expect(progress?.fanoutTotal).toBe(1000)
    expect(progress?.fanoutCompletedAt).not.toBeNull()
  }, 240_000)

  test('closing a case with an outcome tells every follower once, as the last update of its timeline', async () => {
    const action = await createAction(t.db)
    await createFollowers(t.db, action.id, 25, `outcome${Date.now()}`)
    await publishUpdate(action.id, 'Moved to a prison near her family')
    // A draft waiting with the next number as its placeholder: the outcome takes the number.
    await t.db.insert(actionUpdates).values({
      actionId: action.id,
      sequence: 2,
      title: 'Draft about the hearing',
      body: 'Not published.',
    })
    expect(
      await closeAsReleased(action.id, 'Released on bail this morning. Thank you for writing.'),
    ).toEqual({ status: 'done' })

    const timeline = await t.db
      .select()
      .from(actionUpdates)
      .where(eq(actionUpdates.actionId, action.id))
      .orderBy(actionUpdates.sequence)
    expect(timeline.map((u) => [u.sequence, u.title, u.outcome, u.publishedAt !== null])).toEqual([
      [1, 'Moved to a prison near her family', null, true],
      [2, 'Released', 'released', true],
      [3, 'Draft about the hearing', null, false],
    ])

    const worker = await startWorker()
    await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)
    const subject = `${action.reference} update 2: Released`
    const received = () => smtp.messages.filter((m) => m.subject === subject)
    await waitFor(() => received().length >= 25, { timeoutMs: 60_000, what: '25 outcome emails' })
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await worker.stop()
    expect(new Set(received().map((m) => m.envelopeTo[0])).size).toBe(25)
    expect(received()).toHaveLength(25)
    expect(received()[0]!.text).toContain('Released on bail this morning. Thank you for writing.')
    expect(rawHeader(received()[0]!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
  }, 120_000)

  test('closing a paused case ends the pause: the update held while paused, then the outcome, reach every follower', async () => {
    const action = await createAction(t.db)
    await createFollowers(t.db, action.id, 10, `pausedclose${Date.now()}`)
    await t.db.update(actions).set({ pausedAt: new Date() }).where(eq(actions.id, action.id))
    await publishUpdate(action.id, 'Held while paused')
    expect(await closeAsReleased(action.id, 'Released.')).toEqual({ status: 'done' })

    const worker = await startWorker()
    await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)
    const subjects = [
      `${action.reference} update 1: Held while paused`,
      `${action.reference} update 2: Released`,
    ]
    const received = (subject: string) => smtp.messages.filter((m) => m.subject === subject)
    await waitFor(() => subjects.every((subject) => received(subject).length >= 10), {
      timeoutMs: 60_000,
      what: '10 emails of each update',
    })
    await worker.stop()
    for (const subject of subjects) expect(received(subject)).toHaveLength(10)
  }, 120_000)

  test('a worker killed with SIGKILL mid fan-out of 5,000: every follower gets the update, duplicates at most the concurrency', async () => {
    const action = await createAction(t.db)
    await createFollowers(t.db, action.id, 5000, `f5k${Date.now()}`)
    const first = await startWorker()
    await publishUpdate(action.id, 'Charges dropped')
    await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)
    const subject = `${action.reference} update 1: Charges dropped`
    const received = () => smtp.messages.filter((m) => m.subject === subject)
    await waitFor(() => received().length >= 1500, {
      timeoutMs: 180_000,
      what: '1,500 emails before the kill',
    })
    await first.stop('SIGKILL')
    const atKill = received().length
    // A restart: the same Redis queues, where the killed worker's jobs still wait.
    const second = await startWorker({}, first.prefix)
    // Recovery includes BullMQ noticing the dead worker's jobs (lock expiry, stalled check);
    // on a loaded 2-core machine the whole fan-out can take minutes.
    await waitFor(() => new Set(received().map((m) => m.envelopeTo[0])).size >= 5000, {
      timeoutMs: 360_000,
      what: 'every follower to get the update',
    })
    await new Promise((resolve) => setTimeout(resolve, 5000))
    await second.stop()
    const total = received().length
    const distinct = new Set(received().map((m) => m.envelopeTo[0])).size
    console.log(
      `SIGKILL after ${atKill} of 5000: ${distinct} followers reached, ${total - distinct} duplicates (bound: concurrency ${CONCURRENCY})`,
    )
    expect(distinct).toBe(5000)
    expect(total - distinct).toBeLessThanOrEqual(CONCURRENCY)
  }, 480_000)
})

describe('several worker processes (WORKER_PROCESSES)', () => {
  const startedPids = (worker: RunningProcess) =>
    [...worker.output().matchAll(/worker: started \(process (\d+)/g)].map((m) => Number(m[1]))
  // User and system CPU time of a process so far, in clock ticks (/proc/<pid>/stat).
  const cpuTicks = (pid: number) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  }

  test('two processes share a fan-out, each follower hears once; one killed is replaced, and SIGTERM stops them all', async () => {
    const worker = await startWorker({ WORKER_PROCESSES: '2' })
    await waitFor(() => startedPids(worker).length === 2, { what: 'two worker processes' })
    const [firstPid, secondPid] = startedPids(worker)

    const action = await createAction(t.db)
    await createFollowers(t.db, action.id, 2000, `wp2${Date.now()}`)
    const cpuBefore = [firstPid!, secondPid!].map(cpuTicks)
    const update = await publishUpdate(action.id, 'Released without charge')
    await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)
    const subject = `${action.reference} update 1: Released without charge`
    const received = () => smtp.messages.filter((m) => m.subject === subject)
    await waitFor(() => received().length >= 2000, { timeoutMs: 180_000, what: '2,000 emails' })
    // Both processes sent: each spent at least 30% of their CPU (an idle one, polling,
    // spends a small fraction of what sending a thousand emails costs).
    const spent = [firstPid!, secondPid!].map((pid, i) => cpuTicks(pid) - cpuBefore[i]!)
    const total = spent[0]! + spent[1]!
    console.log(
      `CPU shares of the two processes: ${spent.map((ticks) => (ticks / total).toFixed(2))}`,
    )
    expect(spent.map((ticks) => ticks / total >= 0.3)).toEqual([true, true])

    // Every email recorded as sent before the kill, so that none can go again after it.
    await waitFor(
      async () => {
        const [open] = await t.db.execute<{ count: number }>(
          sql`select count(*)::int as count from email_outbox
              where update_id = ${update.id} and status <> 'sent'`,
        )
        return open?.count === 0
      },
      { what: 'every email of the update marked sent' },
    )
    process.kill(firstPid!, 'SIGKILL')
    await worker.waitForOutput(`worker: process ${firstPid} exited (SIGKILL); starting another`)
    await waitFor(() => startedPids(worker).length === 3, { what: 'a replacement process' })
    const replacementPid = startedPids(worker)[2]!
    // Mail still goes: a second case's update reaches each of its followers once.
    const second = await createAction(t.db)
    await createFollowers(t.db, second.id, 300, `wp2b${Date.now()}`)
    await publishUpdate(second.id, 'Allowed to see her lawyer')
    await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)
    const secondSubject = `${second.reference} update 1: Allowed to see her lawyer`
    const receivedSecond = () => smtp.messages.filter((m) => m.subject === secondSubject)
    await waitFor(() => receivedSecond().length >= 300, { timeoutMs: 120_000, what: '300 emails' })

    expect(await worker.stop('SIGTERM')).toBe(0)
    expect([secondPid!, replacementPid].filter(isAlive)).toEqual([])
    // The killed process had nothing left to send or to mark: no duplicates.
    for (const mails of [received(), receivedSecond()]) {
      const recipients = mails.map((m) => m.envelopeTo[0])
      expect(new Set(recipients).size).toBe(recipients.length)
    }
    expect(received()).toHaveLength(2000)
    expect(receivedSecond()).toHaveLength(300)
  }, 360_000)
})

describe('DKIM', () => {
  test('when configured, both unsubscribe headers are among the signed headers', async () => {
    // Only the signing worker may send this one.
    await Promise.all(workers.map((worker) => worker.stop()))
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    const worker = await startWorker({
      DKIM_DOMAIN: 'vigil.test',
      DKIM_SELECTOR: 'mail',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    })
    const action = await createAction(t.db)
    await createFollowers(t.db, action.id, 1, `dkim${Date.now()}`)
    await publishUpdate(action.id, 'Signed update')
    await t.db.execute(sql`select pg_notify('vigil_outbox', '')`)
    const mail = await waitFor(
      () => smtp.messages.find((m) => m.subject?.endsWith('update 1: Signed update')),
      {
        what: 'the signed update',
      },
    )
    await worker.stop()
    const signature = rawHeader(mail, 'DKIM-Signature')
    expect(signature, mail.headerLines.map((h) => h.line).join('\n')).toContain('d=vigil.test')
    const signed = signature!
      .match(/(?:^|;)\s*h=([^;]+)/)![1]!
      .replace(/\s+/g, '')
      .toLowerCase()
      .split(':')
    expect(signed).toContain('list-unsubscribe')
    expect(signed).toContain('list-unsubscribe-post')
  })
})

test('the letters table tracks each letter once per authority', async () => {
  const rows = await t.db.execute<{ dupes: number }>(
    sql`select count(*)::int as dupes from (select signature_id, authority_id from letters group by 1, 2 having count(*) > 1) d`,
  )
  expect(rows[0]!.dupes).toBe(0)
  expect((await t.db.select().from(letters)).length).toBeGreaterThan(0)
})
