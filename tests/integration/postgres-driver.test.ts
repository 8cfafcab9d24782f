// postgres.js 3.4.9 throws from a setImmediate when a connection closes with a small write still
// to run (porsager/postgres#1154, #1208): an uncaught exception that killed the worker whenever
// PostgreSQL restarted. `patches/postgres+3.4.9.patch` (applied by `npm install`) guards it; this
// reproduces the crash deterministically, so the suite fails if the patch is ever lost.
import crypto from 'node:crypto'
import net from 'node:net'
import { pipeline, Writable, type Readable } from 'node:stream'
import { eq, inArray, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { createDb, type Database } from '#db/client.ts'
import { copyOut } from '#db/copy-out.ts'
import { exportCursor, openExportConnection } from '#db/export-connection.ts'
import { anyOf } from '#db/prepared.ts'
import * as schema from '#db/schema.ts'
import { actions } from '#db/schema.ts'
import { BULK_CLAIM_SETTINGS, createBulkClaimer } from '#jobs/outbox.ts'
import { sendContext } from '#jobs/workers/email-delivery.ts'
import { createAction } from '#tests/support/factories.ts'
import { startRelay } from '#tests/support/relay.ts'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import {
  ADMIN_DATABASE_URL,
  connectionsEnded,
  createTestDatabase,
  type TestDatabase,
} from '#tests/support/database.ts'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'driver')
})
afterAll(async () => {
  await t?.drop()
})

test('a query on a connection whose server process died fails as an error, and the process lives on', async () => {
  const sql = postgres(t.url, { max: 2, onnotice: () => {} })
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
  try {
    // A reserved connection cannot be swapped for a fresh one, so the next write meets the closed socket.
    const pinned = await sql.reserve()
    const [backend] = await pinned<{ pid: number }[]>`select pg_backend_pid() as pid`
    await admin`select pg_terminate_backend(${backend!.pid})`
    await new Promise((resolve) => setTimeout(resolve, 200))

    await expect(pinned`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
    await expect(pinned`select 2`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
    // The pool's other connection still answers.
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }])
  } finally {
    await sql.end({ timeout: 0 })
    await admin.end({ timeout: 1 })
  }
})

// postgres.js 3.4.9 left the query that opens a connection pending for ever when the server
// closed the socket cleanly before answering (porsager/postgres#1193): it reconnected in a loop
// without settling it. While PostgreSQL shut down, sign requests hung on such queries. Patched.
test('a query whose connection the server closes cleanly before answering fails, and does not hang', async () => {
  const accepted: net.Socket[] = []
  // A server that takes the connection and closes it at once, as a PostgreSQL shutting down may.
  const server = net.createServer((socket) => {
    accepted.push(socket)
    socket.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  const sql = postgres({
    host: '127.0.0.1',
    port,
    max: 1,
    connect_timeout: 60,
    onnotice: () => {},
  })
  try {
    const outcome = await Promise.race([
      sql`select 1`.then(
        () => 'answered',
        (error: { code?: string }) => error.code,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still pending after 3 s'), 3_000)),
    ])
    expect(outcome).toBe('CONNECTION_CLOSED')
    // Not a reconnect loop either: one connection per query.
    expect(accepted.length).toBeLessThanOrEqual(2)
  } finally {
    await sql.end({ timeout: 0 })
    for (const socket of accepted) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
})

// postgres.js's own reconnect backoff grows to 10-20 s after a few refused attempts (counted
// across the pool), and a query waits for its connection's next attempt: after a restart of a few
// seconds, sign requests hung past 15 s. createDb's backoff stays under a second.
test('after PostgreSQL has refused connections for a while, the pool answers within moments of it coming back', async () => {
  const relay = await startRelay(new URL(t.url))
  const db = createDb(relay.url, { max: 4 })
  try {
    expect(await db.$client`select 1 as one`).toEqual([{ one: 1 }])
    await relay.stop()
    // Every connection fails to connect again and again, as during a restart.
    for (let i = 0; i < 12; i++) {
      await Promise.allSettled(Array.from({ length: 4 }, () => db.$client`select 1`))
    }
    await relay.start()
    const started = performance.now()
    expect(await db.$client`select 2 as two`).toEqual([{ two: 2 }])
    // postgres.js's default backoff would wait 10-20 s here.
    expect(performance.now() - started).toBeLessThan(3_000)
  } finally {
    await db.$client.end({ timeout: 0 })
    await relay.stop().catch(() => {})
  }
}, 120_000)

// Bulk delivery's claim runs on a pool whose connections start with sorting ruled out
// (jobs/outbox.ts, createBulkClaimer): the setting must survive PostgreSQL closing a connection.
test("a pool's settings hold on its connections, a reconnected one too, and on no other pool", async () => {
  const claimDb = createDb(t.url, { max: 1, settings: { enable_sort: 'off' } })
  const otherDb = createDb(t.url, { max: 1 })
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
  const sortSetting = async (db: typeof claimDb) =>
    (
      await db.$client<{ enable_sort: string; pid: number }[]>`
      select current_setting('enable_sort') as enable_sort, pg_backend_pid() as pid`
    )[0]!
  try {
    const first = await sortSetting(claimDb)
    expect(first.enable_sort).toBe('off')
    expect((await sortSetting(otherDb)).enable_sort).toBe('on')

    await admin`select pg_terminate_backend(${first.pid})`
    // Once the pool has seen its connection close (as in the first test), the next query opens
    // a new one. (A query at the very moment of the close can meet a reset socket instead, and
    // fail: see the dying relay's tests below.)
    await new Promise((resolve) => setTimeout(resolve, 500))
    let again: Awaited<ReturnType<typeof sortSetting>> | undefined
    for (let tries = 0; !again && tries < 20; tries++) {
      again = await sortSetting(claimDb).catch(() => undefined)
    }
    expect(again?.pid).not.toBe(first.pid)
    expect(again?.enable_sort).toBe('off')
  } finally {
    await claimDb.$client.end({ timeout: 0 })
    await otherDb.$client.end({ timeout: 0 })
    await admin.end({ timeout: 1 })
  }
})

/**
 * A pool of one connection through a relay that, once armed, plays a server process ended just
 * as the client writes its next query: the query's bytes are dropped and the client's connection
 * is reset, after the server's "terminating connection" error when `sendFatal` (as
 * pg_terminate_backend sends it).
 */
async function withDyingConnection(
  run: (db: Database, arm: (options: { sendFatal: boolean }) => void) => Promise<void>,
) {
  let armed: { sendFatal: boolean } | undefined
  const relay = await startRelay(new URL(t.url), {
    interceptClientBytes(_bytes, client, upstream) {
      if (!armed) return false
      const { sendFatal } = armed
      armed = undefined
      upstream.destroy()
      if (sendFatal) client.write(TERMINATING_ERROR, () => client.resetAndDestroy())
      else client.resetAndDestroy()
      return true
    },
  })
  const db = createDb(relay.url, { max: 1 })
  try {
    expect(await db.$client`select 1 as one`).toEqual([{ one: 1 }])
    await run(db, (options) => (armed = options))
  } finally {
    await db.$client.end({ timeout: 0 })
    await relay.stop()
  }
}

/** PostgreSQL's ErrorResponse for a terminated backend (FATAL 57P01). */
const TERMINATING_ERROR = (() => {
  const fields = Buffer.from(
    'SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0',
  )
  const header = Buffer.alloc(5)
  header.write('E', 0)
  header.writeInt32BE(fields.length + 4, 1)
  return Buffer.concat([header, fields])
})()

const settledWithin = (query: Promise<unknown>, ms: number) =>
  Promise.race([
    query.then(
      () => 'answered',
      (error: { code?: string }) => `failed: ${error.code}`,
    ),
    new Promise((resolve) => setTimeout(() => resolve(`still pending after ${ms} ms`), ms)),
  ])

// postgres.js 3.4.9 left a query pending for good when it was sent between its connection's
// socket error and close: as when a caller retries at once a query that failed because
// PostgreSQL ended the connection as it was written. On a one-connection pool (bulk delivery's
// claim) that stopped the work behind it. Patched: it fails, and the pool goes on.
test('a query sent as its connection dies settles, and the pool answers the next', async () => {
  await withDyingConnection(async (db, arm) => {
    arm({ sendFatal: false })
    const retried = await db.$client`select 2`.catch((error: { code?: string }) =>
      settledWithin(db.$client`select 2`, 3_000).then((outcome) => ({
        first: error.code,
        outcome,
      })),
    )
    expect(retried).toEqual({
      first: 'ECONNRESET',
      outcome: expect.stringMatching(/^(answered|failed)/),
    })
    expect(await db.$client`select 3 as three`).toEqual([{ three: 3 }])
  })
})

// ... and the server's "terminating connection" error, received for the query being sent,
// stayed with the connection and failed the first query on the next one.
test('the error that ended a connection is not given to the first query on the next', async () => {
  await withDyingConnection(async (db, arm) => {
    arm({ sendFatal: true })
    await expect(db.$client`select 2`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
    expect(await settledWithin(db.$client`select 3`, 3_000)).toBe('answered')
  })
})

// The signature export is a COPY ... TO STDOUT read as a stream; postgres.js 3.4.9 could lose the
// connection it ran on in three ways, each patched.
describe('a COPY read as a stream', () => {
  const copyOf = (rows: number) =>
    `copy (select g, repeat('x', 100) from generate_series(1, ${rows}) as g) to stdout`

  /** Reads a COPY's first chunk and stops, as a download abandoned part way does. */
  const stopAtFirstChunk = (rows: Readable) =>
    new Promise<void>((resolve) =>
      rows.once('data', () => {
        rows.destroy()
        resolve()
      }),
    )

  async function withPool(run: (sql: postgres.Sql) => Promise<void>) {
    // One connection, used once already, as a pool's connections are.
    const sql = postgres(t.url, { max: 1, onnotice: () => {} })
    try {
      await sql`select 0`
      await run(sql)
    } finally {
      await sql.end({ timeout: 1 })
    }
  }

  test('whose reader stops part way is finished and dropped, and the connection answers the next query', async () => {
    await withPool(async (sql) => {
      const [before] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`
      const rows = await sql.unsafe(copyOf(200_000)).readable()
      // The reader goes away after its first chunk, as a download stopped half way does;
      // before the patch the connection stayed paused for good.
      await stopAtFirstChunk(rows)
      expect(await settledWithin(sql`select 1`, 10_000)).toBe('answered')
      // The same connection, finished: not a new one opened in its place.
      const [after] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`
      expect(after!.pid).toBe(before!.pid)
    })
  })

  test('holds back a query sent while it streams, which used to fail with COPY_IN_PROGRESS', async () => {
    await withPool(async (sql) => {
      const rows = await sql.unsafe(copyOf(10_000)).readable()
      let during: Promise<unknown> | undefined
      let bytes = 0
      for await (const chunk of rows as AsyncIterable<Buffer>) {
        bytes += chunk.length
        during ??= sql`select 3 as three`.execute()
      }
      expect(bytes).toBeGreaterThan(10_000 * 100)
      expect(await settledWithin(during!, 10_000)).toBe('answered')
    })
  })

  // PostgreSQL sends the COPY's first message with its first rows, or with the error that came
  // before them: postgres.js then destroyed the stream in the same tick it handed it over, before
  // its reader could listen, and the error was thrown as uncaught, ending the process.
  test('that fails as it starts gives its reader the error, and the connection answers the next query', async () => {
    await withPool(async (sql) => {
      const [before] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`
      const rows = await sql
        .unsafe(`copy (select 1 / (g - 3) from generate_series(1, 5) as g) to stdout`)
        .readable()
      const failure = await new Promise<unknown>((resolve) =>
        pipeline(rows, new Writable({ write: (_chunk, _encoding, done) => done() }), resolve),
      )
      expect(failure).toMatchObject({ code: '22012' }) // division by zero
      const [after] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`
      expect(after!.pid).toBe(before!.pid)
    })
  })

  // The export's COPY (copyOut), on a connection of its own: a download abandoned part way must
  // stop PostgreSQL producing the rest, and every way it ends must end its connection.
  describe('through copyOut', () => {
    let opened = 0
    let sessions: postgres.Sql
    beforeAll(() => {
      sessions = postgres(t.url, { max: 1, onnotice: () => {} })
    })
    afterAll(() => sessions?.end({ timeout: 1 }))
    /** Opens copyOut's connection under a name of its own, and tells when it has ended. */
    function connectionOf() {
      const name = `copy-out-${++opened}`
      const open = () =>
        postgres(t.url, { max: 1, onnotice: () => {}, connection: { application_name: name } })
      const gone = () => connectionsEnded(sessions, name, 10_000)
      return { open, gone }
    }

    // 10 ms a row: 50 s to its end, had it gone on.
    test('a reader that stops part way cancels the COPY, and its connection ends', async () => {
      const { open, gone } = connectionOf()
      const rows = await copyOut(
        open(),
        `copy (select g, repeat('x', 2000), pg_sleep(0.01)
          from generate_series(1, 5000) as g) to stdout`,
      )
      await stopAtFirstChunk(rows)
      await gone()
    })

    test('read to its end, it gives every row, and its connection ends', async () => {
      const { open, gone } = connectionOf()
      const stream = await copyOut(open(), copyOf(5_000))
      let lines = 0
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const byte of chunk) if (byte === 10) lines++
      }
      expect(lines).toBe(5_000)
      await gone()
    })

    test('one that fails as it starts gives its reader the error, and its connection ends', async () => {
      const { open, gone } = connectionOf()
      const rows = await copyOut(
        open(),
        `copy (select 1 / (g - 3) from generate_series(1, 5) as g) to stdout`,
      )
      const failure = await new Promise<unknown>((resolve) =>
        pipeline(rows, new Writable({ write: (_chunk, _encoding, done) => done() }), resolve),
      )
      expect(failure).toMatchObject({ code: '22012' })
      await gone()
    })

    test('one PostgreSQL refuses outright throws, and its connection ends', async () => {
      const { open, gone } = connectionOf()
      await expect(
        copyOut(open(), `copy (select * from no_such_table) to stdout`),
      ).rejects.toMatchObject({ code: '42P01' })
      await gone()
    })
  })

  // An export's cursor (the JSON export, the printable letters), on a connection of its own
  // holding an export slot: however its stream ends, the connection and its slot are let go.
  describe('through exportCursor', () => {
    let db: Database
    beforeAll(() => {
      db = createDb(t.url, { max: 1, applicationName: 'export-cursor-test' })
    })
    afterAll(() => db?.$client.end({ timeout: 1 }))
    const exportsEnded = () => connectionsEnded(db.$client, 'vigil-export', 10_000)

    test('read to its end, it gives every row, and its connection ends', async () => {
      const connection = await openExportConnection(db, 1)
      const rows = exportCursor(
        connection,
        connection.sql<{ g: number }[]>`select g from generate_series(1, 1000) as g`,
        200,
      )
      let count = 0
      for await (const row of rows as AsyncIterable<{ g: number }>) count += row.g > 0 ? 1 : 0
      expect(count).toBe(1000)
      await exportsEnded()
    })

    // Node ends an async generator only once its pending fetch is back: without the cancel, the
    // connection, its snapshot and its slot were held for the 30 s of this fetch.
    test('destroyed while a fetch runs, it cancels the fetch: its connection and slot are let go', async () => {
      const connection = await openExportConnection(db, 1)
      const rows = exportCursor(connection, connection.sql`select pg_sleep(30) as slept`, 200)
      rows.on('error', () => {})
      rows.resume()
      await new Promise((resolve) => setTimeout(resolve, 300))
      rows.destroy()
      await exportsEnded()
      // The one slot is free again.
      const next = await openExportConnection(db, 1)
      next.end()
      await exportsEnded()
    })

    test('while its one slot is held, another export is refused and its connection ends', async () => {
      const running = await openExportConnection(db, 1)
      await expect(openExportConnection(db, 1)).rejects.toMatchObject({
        name: 'ExportsBusyError',
      })
      await connectionsEnded(db.$client, 'vigil-export', 10_000, { leaving: 1 })
      running.end()
      await exportsEnded()
    })
  })

  // porsager/postgres#1016: the last rows could pause the socket in the chunk that also ended
  // the COPY, and what followed was never read. A slow reader keeps the stream full, so each
  // size below ends the COPY while it is.
  test('read slowly to its end leaves the connection usable, whatever its size', async () => {
    await withPool(async (sql) => {
      for (let rows = 1_000; rows <= 20_000; rows += 1_000) {
        const stream = await sql.unsafe(copyOf(rows)).readable()
        let lines = 0
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          for (const byte of chunk) if (byte === 10) lines++
          await new Promise((resolve) => setImmediate(resolve))
        }
        expect(lines).toBe(rows)
        expect(await settledWithin(sql`select ${rows}::int as rows`, 5_000)).toBe('answered')
      }
    })
  })
})

// Drizzle runs its queries unprepared unless built with `.prepare(name)`: postgres.js then asks
// for each query's parameter types before running it, two round trips for one query
// (drizzle-team/drizzle-orm#6096). `patches/drizzle-orm+0.45.4.patch` runs them prepared.
describe('Drizzle queries on postgres.js', () => {
  let db: Database
  beforeAll(() => {
    // One connection: PostgreSQL lists a session's prepared statements only to that session.
    db = createDb(t.url, { max: 1 })
  })
  afterAll(async () => {
    await db?.$client.end({ timeout: 1 })
  })
  const preparedLike = async (pattern: string) =>
    (
      await db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_prepared_statements where statement like ${pattern}`,
      )
    )[0]!.n

  test('run prepared: a query with a value is parsed once per connection', async () => {
    const id = crypto.randomUUID()
    for (let i = 0; i < 3; i++)
      await db
        .select({ id: actions.id })
        .from(actions)
        .where(eq(actions.slug, `prepared-${id}`))
    expect(await preparedLike('%"actions"."slug" = $1%')).toBe(1)
  })

  test('a list given with anyOf is one statement whatever its length, and finds what it lists', async () => {
    const action = await createAction(db)
    for (const length of [1, 2, 5, 40]) {
      const ids = [...Array.from({ length: length - 1 }, () => crypto.randomUUID()), action.id]
      expect(
        await db.select({ id: actions.id }).from(actions).where(anyOf(actions.id, ids)),
      ).toEqual([{ id: action.id }])
    }
    expect(await preparedLike('%"actions"."id" = any($1::uuid[])%')).toBe(1)
  })

  test('a query with more than 100 values is not kept prepared', async () => {
    const slugs = Array.from({ length: 150 }, (_, i) => `many-${i}`)
    expect(
      await db.select({ id: actions.id }).from(actions).where(inArray(actions.slug, slugs)),
    ).toEqual([])
    expect(await preparedLike('%"actions"."slug" in ($1, $2%')).toBe(0)
  })
})

// Every Drizzle query runs prepared (patches/), and after five runs of a prepared statement
// PostgreSQL may plan it once for any values (a generic plan) when that is estimated to cost no
// more than the plans made for each run's values. The bulk claim's generic plan cannot know its
// LIMIT and, with a fan-out's rows due, hash-joins against a scan of the whole outbox, every sent
// row included: its connection plans it for each run (BULK_CLAIM_SETTINGS). This checks what
// PostgreSQL actually runs, from auto_explain's plans sent to the client as notices.
test('the bulk claim is planned for its values on every run, never scanning the whole outbox', async () => {
  await t.db.$client`
    insert into email_outbox (idempotency_key, template, to_address, status, claimed_at, sent_at)
    select 'plan-sent:' || g, 'action-update', 'sent-' || g || '@example.org', 'sent', now(), now()
    from generate_series(1, 10000) as g`
  // A fan-out under way: thousands of messages due.
  await t.db.$client`
    insert into email_outbox (idempotency_key, template, to_address)
    select 'plan-due:' || g, 'action-update', 'due-' || g || '@example.org'
    from generate_series(1, 10000) as g`
  await t.db.$client`analyze`

  // The claim's pool, as the worker opens it, plans every run.
  const claimDb = createDb(t.url, { max: 1, settings: BULK_CLAIM_SETTINGS })
  try {
    const [mode] = await claimDb.$client<{ mode: string }[]>`
      select current_setting('plan_cache_mode') as mode`
    expect(mode?.mode).toBe('force_custom_plan')
  } finally {
    await claimDb.$client.end({ timeout: 1 })
  }

  const plans: string[] = []
  const client = postgres(t.url, {
    max: 1,
    onnotice: (notice) => plans.push(String(notice.message)),
    connection: BULK_CLAIM_SETTINGS,
  })
  try {
    await client`load 'auto_explain'`
    await client`set auto_explain.log_min_duration = 0`
    await client`set auto_explain.log_level = notice`
    const claim = createBulkClaimer(drizzle(client, { schema }) as unknown as Database, {
      context: sendContext,
    })
    const claimPlans = () => plans.filter((plan) => plan.includes('claimed_at'))
    for (let run = 0; run < 10; run++) expect(await claim(15 + run)).toHaveLength(15 + run)
    expect(claimPlans()).toHaveLength(10)
    for (const plan of claimPlans()) {
      expect(plan).toContain('Index Scan using email_outbox_pkey')
      expect(plan).not.toMatch(/Seq Scan on email_outbox\b/)
    }

    // The check can tell: given its generic plan, the same statement scans the outbox.
    await client`set plan_cache_mode = force_generic_plan`
    expect(await claim(20)).toHaveLength(20)
    expect(claimPlans().at(-1) ?? '').toMatch(/Seq Scan on email_outbox\b/)
  } finally {
    await client.end({ timeout: 1 })
  }
})
