// The action page's form is answered before Express and Remix under a surge (server.ts's fast
// path). A supporter must not be able to tell: whether the browser posts the form as a page or as
// Remix's fetch, the answer is the one Remix itself gives, headers and bytes, and each form is
// submitted exactly once, whatever comes of it. Requests the fast path leaves alone (a body sent
// in chunks, of no stated length) show what the general path answers.
import { sql } from 'drizzle-orm'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'
import { startWebProcess } from '#tests/support/processes.ts'
import { signatureForm } from '#tests/support/sign-http.ts'

let t: TestDatabase
let web: Awaited<ReturnType<typeof startWebProcess>>
let slug: string
let closedSlug: string

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'formfastpath')
  slug = (await createAction(t.db)).slug
  closedSlug = (await createAction(t.db, { status: 'closed', closedAt: new Date() })).slug
  web = await startWebProcess({
    DATABASE_URL: t.url,
    TRUST_PROXY: '1',
    RATE_LIMIT_SIGN_PER_IP: '3',
  })
}, 180_000)

afterAll(async () => {
  await web?.stop()
  await t?.drop()
})

let ipCounter = 0
const newClientIp = () => `198.51.100.${++ipCounter}`

const signForm = (email: string, extra: Record<string, string> = {}) =>
  signatureForm(email, extra).toString()

/**
 * Posts a form as a browser does: to the page, or to Remix's `.data` address as its fetch does
 * (with Origin, as browsers send on every POST). `chunked` sends the body as a stream, with no
 * length, which takes the general path through Express and Remix.
 */
async function post(
  path: string,
  body: string,
  {
    clientIp = newClientIp(),
    chunked = false,
    headers = {},
  }: { clientIp?: string; chunked?: boolean; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${web.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Forwarded-For': clientIp,
      Origin: web.url,
      ...headers,
    },
    ...(chunked
      ? {
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(body))
              controller.close()
            },
          }),
          duplex: 'half',
        }
      : { body }),
  } as RequestInit)
  return {
    status: response.status,
    headers: comparable(response.headers),
    body: await response.text(),
    // How the body was framed: the fast path states its length, Remix streams (chunked).
    chunked: response.headers.get('transfer-encoding') === 'chunked',
  }
}

/** What a supporter's browser acts on: everything but the framing. */
const answer = ({ status, headers, body }: Awaited<ReturnType<typeof post>>) => ({
  status,
  headers,
  body,
})

/** Headers as the two paths should agree on them: framing and date aside, nonces masked. */
function comparable(headers: Headers) {
  const FRAMING = new Set([
    'date',
    'connection',
    'keep-alive',
    'transfer-encoding',
    'content-length',
  ])
  return Object.fromEntries(
    [...headers]
      .filter(([name]) => !FRAMING.has(name))
      .map(([name, value]) => [name, value.replace(/'nonce-[^']+'/, "'nonce-…'")]),
  )
}

async function stored(email: string) {
  const [row] = await t.db.execute<{ signatures: number; outbox: number }>(sql`
    select (select count(*)::int from signatures s join supporters p on p.id = s.supporter_id
            where p.email = ${email}) as signatures,
           (select count(*)::int from email_outbox where to_address = ${email}) as outbox`)
  return row
}

describe('the action page form answered before Express and Remix', () => {
  test('a signature posted without JavaScript is stored once and answered as Remix answers it', async () => {
    const fast = await post(`/actions/${slug}`, signForm('page-fast@example.org'))
    const general = await post(`/actions/${slug}`, signForm('page-general@example.org'), {
      chunked: true,
    })
    expect(fast.status).toBe(303)
    expect(fast.headers.location).toBe(`/actions/${slug}/check-email#main`)
    expect(fast.headers['set-cookie']).toMatch(/^vigil_fresh=1; Max-Age=\d+; Path=\/; HttpOnly/)
    expect(fast.headers['content-security-policy']).toContain("'nonce-…'")
    expect(answer(fast)).toEqual(answer(general))
    expect(await stored('page-fast@example.org')).toEqual({ signatures: 1, outbox: 1 })
  })

  test("a signature posted by Remix's fetch gets Remix's own redirect, byte for byte", async () => {
    const fast = await post(`/actions/${slug}.data`, signForm('fetch-fast@example.org'))
    const general = await post(`/actions/${slug}.data`, signForm('fetch-general@example.org'), {
      chunked: true,
    })
    expect(fast.status).toBe(202)
    expect(fast.headers['x-remix-response']).toBe('yes')
    expect(fast.body).toContain(`/actions/${slug}/check-email#main`)
    expect(answer(fast)).toEqual(answer(general))
    // Answered by the fast path (its length stated), not by Remix (streamed).
    expect([fast.chunked, general.chunked]).toEqual([false, true])
    expect(await stored('fetch-fast@example.org')).toEqual({ signatures: 1, outbox: 1 })
  })

  test('a form with mistakes comes back from the route with its errors and what was typed, storing nothing', async () => {
    for (const path of [`/actions/${slug}`, `/actions/${slug}.data`]) {
      const form = signForm('not-an-address', { lastName: 'Ruiz-Aguirre' })
      const fast = await post(path, form)
      const general = await post(path, form, { chunked: true })
      expect(fast.status).toBe(400)
      expect(fast.body).toContain('Ruiz-Aguirre')
      expect({ ...answer(fast), body: maskNonces(fast.body) }).toEqual({
        ...answer(general),
        body: maskNonces(general.body),
      })
    }
  })

  test('signing a closed action is refused on the form (409) without signing', async () => {
    const fast = await post(`/actions/${closedSlug}`, signForm('closed@example.org'))
    expect(fast.status).toBe(409)
    expect(fast.body).toContain('closed@example.org')
    expect(await stored('closed@example.org')).toEqual({ signatures: 0, outbox: 0 })
  })

  test('a form the route renders is submitted once: a refusal counts one hit, not two', async () => {
    const clientIp = '203.0.113.77'
    const hits = async () => {
      const [row] = await t.db.execute<{ hits: number }>(sql`
        select coalesce(sum(hits), 0)::int as hits from rate_limit_hits where bucket = 'sign-ip'`)
      return row!.hits
    }
    const before = await hits()
    for (let i = 1; i <= 3; i++) {
      expect(
        (await post(`/actions/${slug}`, signForm(`limit-${i}@example.org`), { clientIp })).status,
      ).toBe(303)
    }
    const refused = await post(`/actions/${slug}`, signForm('limit-4@example.org'), { clientIp })
    expect(refused.status).toBe(429)
    expect(refused.headers['retry-after']).toMatch(/^\d+$/)
    expect(await hits()).toBe(before + 4)
    expect(await stored('limit-4@example.org')).toEqual({ signatures: 0, outbox: 0 })
  })

  test('a client that leaves halfway through its form signs nothing, and signing goes on', async () => {
    // Cut inside its last field (an optional message), so the part sent would sign if it were
    // ever submitted.
    const body = signForm('gone@example.org', { message: 'Free them now. '.repeat(10) })
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(new URL(web.url).port), '127.0.0.1', () => {
        socket.write(
          `POST /actions/${slug} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n` +
            body.slice(0, -40),
          () => {
            socket.destroy()
            resolve()
          },
        )
      })
      socket.on('error', reject)
    })
    const after = await post(`/actions/${slug}`, signForm('after-gone@example.org'))
    expect(after.status).toBe(303)
    expect(await stored('gone@example.org')).toEqual({ signatures: 0, outbox: 0 })
    expect(await stored('after-gone@example.org')).toEqual({ signatures: 1, outbox: 1 })
  })

  test('following from the form, and a form for no action, are answered as the route answers them', async () => {
    const follow = new URLSearchParams({
      intent: 'follow',
      email: 'follower@example.org',
      consent: 'on',
    }).toString()
    const followed = await post(`/actions/${slug}`, follow)
    expect(followed.status).toBe(303)
    expect(followed.headers.location).toBe(`/actions/${slug}/check-email?follow=1#main`)
    const nowhere = await post('/actions/no-such-action', signForm('nowhere@example.org'))
    const nowhereGeneral = await post('/actions/no-such-action', signForm('nowhere@example.org'), {
      chunked: true,
    })
    expect(nowhere.status).toBeGreaterThanOrEqual(400)
    expect(nowhere.status).toBe(nowhereGeneral.status)
    expect(await stored('nowhere@example.org')).toEqual({ signatures: 0, outbox: 0 })
  })

  test('a form whose origin is not the host it was sent to is refused, as Remix refuses it', async () => {
    const response = await post(`/actions/${slug}`, signForm('forwarded@example.org'), {
      headers: { 'X-Forwarded-Host': 'elsewhere.example' },
    })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(await stored('forwarded@example.org')).toEqual({ signatures: 0, outbox: 0 })
  })

  test('a form posted from another site is refused, as everywhere', async () => {
    const response = await fetch(`${web.url}/actions/${slug}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://elsewhere.example',
      },
      body: signForm('cross-site@example.org'),
    })
    expect(response.status).toBe(403)
    expect(await stored('cross-site@example.org')).toEqual({ signatures: 0, outbox: 0 })
  })
})

function maskNonces(html: string) {
  return html.replace(/nonce="[^"]+"/g, 'nonce="…"').replace(/'nonce-[^']+'/g, "'nonce-…'")
}
