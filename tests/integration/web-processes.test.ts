// WEB_CONCURRENCY runs several web processes on one port (one per core, say), supervised by the
// first: what an operator relies on when one of them dies, when the service is stopped, and
// when it cannot start at all.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { freePort, waitFor } from '#tests/support/ports.ts'
import { exitCodeWithin, isAlive, startWebProcess } from '#tests/support/processes.ts'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'webprocs')
})
afterAll(async () => {
  await t?.drop()
})

describe('several web processes (WEB_CONCURRENCY)', () => {
  test('one killed is replaced while the others answer, and SIGTERM stops them all', async () => {
    const web = await startWebProcess({ DATABASE_URL: t.url, WEB_CONCURRENCY: '2' })
    const listening = () =>
      [...web.output().matchAll(/web: listening on \S+ \(process (\d+)\)/g)].map((m) =>
        Number(m[1]),
      )
    try {
      await waitFor(() => listening().length === 2, { what: 'two web processes listening' })
      const [first, second] = listening()
      expect((await fetch(`${web.url}/`)).status).toBe(200)

      process.kill(first!, 'SIGKILL')
      await web.waitForOutput(`web: process ${first} exited (SIGKILL); starting another`)
      // Until its replacement listens, the other process answers alone.
      expect((await fetch(`${web.url}/`)).status).toBe(200)
      await waitFor(() => listening().length === 3, { what: 'a replacement process listening' })
      const replacement = listening()[2]!
      expect(isAlive(replacement)).toBe(true)
      expect((await fetch(`${web.url}/`)).status).toBe(200)

      expect(await web.stop('SIGTERM')).toBe(0)
      await waitFor(() => !isAlive(second!) && !isAlive(replacement), {
        what: 'every web process gone',
      })
    } finally {
      await web.stop('SIGKILL')
    }
  })

  test('one that cannot start (its port taken) stops them all, rather than being restarted for ever', async () => {
    const port = await freePort()
    const taken = net.createServer()
    await new Promise<void>((resolve) => taken.listen(port, resolve))
    const web = await startWebProcess(
      { DATABASE_URL: t.url, WEB_CONCURRENCY: '2', PORT: String(port) },
      { waitUntilListening: false },
    )
    try {
      expect(await exitCodeWithin(web, 30_000)).toBe(1)
      expect(web.output()).toMatch(/web: process \d+ failed to start \(1\); stopping/)
    } finally {
      await web.stop('SIGKILL')
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})
