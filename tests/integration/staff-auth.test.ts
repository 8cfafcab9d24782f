// Staff accounts, as rules: who may sign in, how guessing is slowed and stopped, how sessions end,
// how one-time password links behave, what each role may do, and how the first admin is made from
// the command line. Run against a real database through the functions the routes call.
import crypto from 'node:crypto'
import path from 'node:path'
import { and, desc, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, inject, test, vi } from 'vitest'
import type * as LoginRoute from '#app/routes/admin_.login.tsx'
import type * as StaffModel from '#app/models/staff.server.ts'
import type * as DbServer from '#app/utils/db.server.ts'
import type * as Passwords from '#app/utils/password.server.ts'
import type * as RateLimits from '#app/utils/rate-limit.server.ts'
import type * as Sessions from '#app/utils/session.server.ts'
import { closeDb } from '#db/client.ts'
import {
  auditLog,
  emailOutbox,
  staffPasswordTokens,
  staffSessions,
  staffUsers,
  type StaffUser,
} from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { projectRoot, startProcess } from '#tests/support/processes.ts'

const APP_URL = 'https://vigil.test'
const PASSWORD = 'correct horse battery staple'

let t: TestDatabase
let staff: typeof StaffModel
let sessions: typeof Sessions
let passwords: typeof Passwords
let rateLimits: typeof RateLimits
let loginRoute: typeof LoginRoute
let dbServer: typeof DbServer | undefined

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'staff')
  // The models read their configuration and database from process.env once, on first use:
  // point them at this file's database before they are loaded.
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL,
    SESSION_SECRET: 'staff-secret-staff-secret-staff-secret-40',
    NODE_ENV: 'test',
  })
  dbServer = await import('#app/utils/db.server.ts')
  staff = await import('#app/models/staff.server.ts')
  sessions = await import('#app/utils/session.server.ts')
  passwords = await import('#app/utils/password.server.ts')
  rateLimits = await import('#app/utils/rate-limit.server.ts')
  loginRoute = await import('#app/routes/admin_.login.tsx')
})

afterEach(() => {
  vi.useRealTimers()
})

afterAll(async () => {
  if (dbServer) await closeDb(dbServer.getDb())
  await t?.drop()
})

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

const freshIpHash = () => `ip-${crypto.randomBytes(8).toString('hex')}`
const freshEmail = (label = 'staff') =>
  `${label}.${crypto.randomBytes(5).toString('hex')}@example.org`

/** Freezes Date (only Date: timers and the database keep running) at a given moment. */
function setClock(at: Date | number) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(at)
}

/** A moment tomorrow (UTC), far from any rate-limit window boundary that matters to a test. */
function tomorrowAt(time: string) {
  const tomorrow = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS)
  return new Date(`${tomorrow.toISOString().slice(0, 10)}T${time}Z`)
}

async function createStaff(
  overrides: Partial<typeof staffUsers.$inferInsert> & { password?: string | null } = {},
) {
  const { password = PASSWORD, ...rest } = overrides
  const [user] = await t.db
    .insert(staffUsers)
    .values({
      email: freshEmail(rest.role ?? 'editor'),
      name: 'Ana Ruiz',
      role: 'editor',
      passwordHash: password ? await passwords.hashPassword(password) : null,
      ...rest,
    })
    .returning()
  return user!
}

async function reload(user: StaffUser) {
  const [row] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, user.id))
  return row!
}

function signIn(user: Pick<StaffUser, 'email'>, password: string, ipHash = freshIpHash()) {
  return staff.signIn({ email: user.email, password, ipHash, ip: '203.0.113.7' })
}

/** A request carrying the session cookie from a Set-Cookie header, as a browser would send it. */
function requestWith(setCookie: string | null, init: RequestInit = {}, url = '/admin/staff') {
  const headers = new Headers(init.headers)
  if (setCookie) headers.set('cookie', setCookie.split(';')[0]!)
  return new Request(`${APP_URL}${url}`, { ...init, headers })
}

async function signedIn(user: StaffUser) {
  return requestWith(await sessions.createStaffSession(user.id))
}

async function sessionCount(user: StaffUser) {
  return t.db.$count(staffSessions, eq(staffSessions.staffUserId, user.id))
}

/** The response a guard threw (redirect or refusal), or a failure if it did not throw one. */
async function thrownResponse(promise: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    if (error instanceof Response) return error
    throw error
  }
  throw new Error('expected a Response to be thrown')
}

/** The status of what a route returned or threw: a Response, or data() with its init. */
function statusOf(value: unknown) {
  if (value instanceof Response) return value.status
  return (value as { init?: ResponseInit | null } | undefined)?.init?.status ?? 200
}

async function latestEmailTo(address: string) {
  const [row] = await t.db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.toAddress, address))
    .orderBy(desc(emailOutbox.createdAt))
  return row
}

function tokenFromLink(url: string) {
  const match = url.match(/\/admin\/set-password\/([A-Za-z0-9_-]{43})$/)
  if (!match) throw new Error(`not a set-password link: ${url}`)
  return match[1]!
}

async function resetToken(user: StaffUser) {
  await staff.requestPasswordReset({ email: user.email, ipHash: freshIpHash() })
  const email = await latestEmailTo(user.email)
  return tokenFromLink((email?.payload as { resetUrl: string }).resetUrl)
}

async function auditFor(user: StaffUser, event: string) {
  return t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityId, user.id), eq(auditLog.event, event)))
    .orderBy(desc(auditLog.id))
}

describe('signing in', () => {
  test('the right password starts a server-side session; the password is stored as argon2id', async () => {
    const user = await createStaff()
    expect(user.passwordHash).toMatch(/^\$argon2id\$/)

    const result = await signIn(user, PASSWORD)
    expect(result).toMatchObject({ ok: true, userId: user.id })
    if (!result.ok) throw new Error('unreachable')
    expect(result.setCookie).toMatch(/^vigil_staff=.+; .*HttpOnly/i)
    expect(result.setCookie).toMatch(/SameSite=Lax/i)
    expect(await sessionCount(user)).toBe(1)

    const session = await sessions.getStaffSession(requestWith(result.setCookie))
    expect(session?.user).toEqual({
      id: user.id,
      email: user.email,
      name: user.name,
      role: 'editor',
    })
    // The database keeps only a hash of the cookie's token.
    const [row] = await t.db
      .select()
      .from(staffSessions)
      .where(eq(staffSessions.staffUserId, user.id))
    expect(result.setCookie).not.toContain(row!.idHash)
    expect(await auditFor(user, 'staff.signed_in')).toHaveLength(1)
  })

  test('the address is matched whatever its letter case and surrounding spaces', async () => {
    const user = await createStaff()
    const result = await signIn({ email: `  ${user.email.toUpperCase()} ` }, PASSWORD)
    expect(result.ok).toBe(true)
  })

  test('a wrong password counts one failure and gets the same answer as an unknown address', async () => {
    const user = await createStaff()
    const wrong = await signIn(user, 'not the password at all')
    const unknown = await signIn({ email: freshEmail('nobody') }, PASSWORD)
    expect(wrong).toEqual({ ok: false, delayMs: 0 })
    expect(unknown).toEqual(wrong)
    expect((await reload(user)).failedLoginCount).toBe(1)
    expect(await sessionCount(user)).toBe(0)
  })

  test('an address with a NUL byte or another control character gets the unknown-address answer, not an error', async () => {
    const user = await createStaff()
    for (const email of [`${user.email}\u0000`, 'a\u0000@b.example', 'a\u0007@b.example']) {
      expect(await signIn({ email }, PASSWORD)).toEqual({ ok: false, delayMs: 0 })
      await expect(
        staff.requestPasswordReset({ email, ipHash: freshIpHash() }),
      ).resolves.toBeUndefined()
    }
    expect(await sessionCount(user)).toBe(0)
    // Filtering the audit log by such a name ignores that filter, and says so.
    expect(
      staff.parseAuditSearch(new URLSearchParams({ event: 'staff.\u0000signed_in' })),
    ).toMatchObject({ ignored: ['event'] })
  })

  test('answers slow down from the third failure in a row, for real and unknown addresses alike', async () => {
    const user = await createStaff()
    const unknown = { email: freshEmail('nobody') }
    const delays: number[] = []
    const unknownDelays: number[] = []
    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await signIn(user, `wrong-${attempt}`)
      const other = await signIn(unknown, `wrong-${attempt}`)
      if (result.ok || other.ok) throw new Error('a wrong password was accepted')
      delays.push(result.delayMs)
      unknownDelays.push(other.delayMs)
    }
    expect(delays).toEqual([0, 0, 3000, 4000, 5000])
    expect(unknownDelays).toEqual(delays)
  })

  test('a success resets the failure count', async () => {
    const user = await createStaff()
    await signIn(user, 'wrong-1')
    await signIn(user, 'wrong-2')
    expect((await reload(user)).failedLoginCount).toBe(2)
    expect((await signIn(user, PASSWORD)).ok).toBe(true)
    expect(await reload(user)).toMatchObject({ failedLoginCount: 0, lockedUntil: null })
    expect(await signIn(user, 'wrong-3')).toEqual({ ok: false, delayMs: 0 })
  })

  test('after five failures the account is locked for 15 minutes, even against the right password', async () => {
    const start = tomorrowAt('09:00:00')
    setClock(start)
    const user = await createStaff()
    for (let attempt = 1; attempt <= 5; attempt++) await signIn(user, `wrong-${attempt}`)
    const locked = await reload(user)
    expect(locked.failedLoginCount).toBe(5)
    expect(locked.lockedUntil?.getTime()).toBe(start.getTime() + 15 * MINUTE_MS)
    expect(await auditFor(user, 'staff.locked')).toHaveLength(1)

    // The sixth attempt, with the right password, is refused with the same answer.
    setClock(start.getTime() + 14 * MINUTE_MS)
    const sixth = await signIn(user, PASSWORD)
    expect(sixth).toEqual({ ok: false, delayMs: 5000 })
    expect(await sessionCount(user)).toBe(0)
    // Attempts during the lock neither count nor extend it.
    expect((await reload(user)).lockedUntil?.getTime()).toBe(start.getTime() + 15 * MINUTE_MS)

    setClock(start.getTime() + 15 * MINUTE_MS + 1000)
    const after = await signIn(user, PASSWORD)
    expect(after.ok).toBe(true)
    expect(await reload(user)).toMatchObject({ failedLoginCount: 0, lockedUntil: null })
  })

  test('after a lock ends, one more failure locks the account again', async () => {
    const start = tomorrowAt('11:00:00')
    setClock(start)
    const user = await createStaff()
    for (let attempt = 1; attempt <= 5; attempt++) await signIn(user, `wrong-${attempt}`)
    setClock(start.getTime() + 16 * MINUTE_MS)
    await signIn(user, 'wrong-6')
    expect((await reload(user)).lockedUntil?.getTime()).toBe(start.getTime() + 31 * MINUTE_MS)
    expect((await signIn(user, PASSWORD)).ok).toBe(false)
  })

  test('attempts made at the same moment are all counted, and none gets past the lock', async () => {
    const user = await createStaff()
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signIn(user, `parallel-${i}`)),
    )
    expect(results.every((result) => !result.ok)).toBe(true)
    const after = await reload(user)
    expect(after.failedLoginCount).toBeGreaterThanOrEqual(5)
    expect(after.lockedUntil).not.toBeNull()
    expect((await signIn(user, PASSWORD)).ok).toBe(false)
  })

  test('a disabled account, or one whose password was never set, cannot sign in', async () => {
    const disabled = await createStaff({ disabledAt: new Date() })
    const invited = await createStaff({ password: null })
    expect(await signIn(disabled, PASSWORD)).toEqual({ ok: false, delayMs: 0 })
    expect(await signIn(invited, PASSWORD)).toEqual({ ok: false, delayMs: 0 })
  })

  test('more than 20 attempts from one address in 10 minutes are refused with 429', async () => {
    setClock(tomorrowAt('13:01:00'))
    const clientIp = `198.51.100.${crypto.randomInt(1, 254)}`
    const attempt = (email: string) => {
      const body = new URLSearchParams({ email, password: 'wrong password' })
      return loginRoute.action({
        request: new Request(`${APP_URL}/admin/login`, { method: 'POST', body }),
        context: { clientIp, cspNonce: '' },
        params: {},
      })
    }
    // Each attempt names another address, so no account's own throttle is involved.
    for (let i = 0; i < staff.LOGIN_IP_LIMIT.limit; i++) {
      expect(statusOf(await attempt(freshEmail('guess')))).toBe(400)
    }
    const refused = await attempt(freshEmail('guess')).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(statusOf(refused)).toBe(429)
    // Another address is not affected.
    await expect(
      staff.signIn({ email: freshEmail(), password: 'x', ipHash: freshIpHash(), ip: null }),
    ).resolves.toMatchObject({ ok: false })
    await expect(
      rateLimits.hitRateLimit(t.db, staff.LOGIN_IP_LIMIT, 'another-ip-hash'),
    ).resolves.toBe(1)
  })

  test('the form signs in and goes only to paths inside the console', async () => {
    const user = await createStaff()
    const post = async (redirectTo: string) => {
      const body = new URLSearchParams({ email: user.email, password: PASSWORD, redirectTo })
      const response = await loginRoute.action({
        request: new Request(`${APP_URL}/admin/login`, { method: 'POST', body }),
        context: { clientIp: '192.0.2.10', cspNonce: '' },
        params: {},
      })
      if (!(response instanceof Response)) throw new Error('expected a redirect')
      return response
    }
    const ok = await post('/admin/staff?x=1')
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/admin/staff?x=1')
    expect(ok.headers.get('set-cookie')).toMatch(/^vigil_staff=/)
    for (const elsewhere of [
      'https://evil.example/admin',
      '//evil.example/admin',
      '/\\evil.example',
      '/administrator',
      '/actions',
      'javascript:alert(1)',
    ]) {
      expect((await post(elsewhere)).headers.get('location')).toBe('/admin')
    }
  })
})

describe('sessions and guards', () => {
  test('an expired session is not a session, and the guard sends its holder to sign in', async () => {
    const user = await createStaff()
    const request = await signedIn(user)
    expect(await sessions.getStaffSession(request)).not.toBeNull()
    await t.db
      .update(staffSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(staffSessions.staffUserId, user.id))

    expect(await sessions.getStaffSession(request)).toBeNull()
    const redirect = await thrownResponse(sessions.requireStaff(request, 'viewer'))
    expect(redirect.status).toBe(302)
    expect(redirect.headers.get('location')).toBe('/admin/login?redirectTo=%2Fadmin%2Fstaff')
  })

  test('no cookie, or a forged one, is not a session', async () => {
    expect(await sessions.getStaffSession(requestWith(null))).toBeNull()
    const forged = requestWith(null, { headers: { cookie: 'vigil_staff=abc.def' } })
    expect(await sessions.getStaffSession(forged)).toBeNull()
  })

  test("disabling an account ends its sessions at once, and a disabled account's sessions never work", async () => {
    const admin = await createStaff({ role: 'admin' })
    const user = await createStaff()
    const request = await signedIn(user)
    expect(
      await staff.setStaffDisabled({
        actor: admin,
        staffUserId: user.id,
        disabled: true,
        ip: '203.0.113.9',
      }),
    ).toBe('done')
    expect(await sessions.getStaffSession(request)).toBeNull()
    expect(await sessionCount(user)).toBe(0)

    // Even a session row left behind stops working while the account is disabled.
    const other = await createStaff()
    const otherRequest = await signedIn(other)
    await t.db.update(staffUsers).set({ disabledAt: new Date() }).where(eq(staffUsers.id, other.id))
    expect(await sessions.getStaffSession(otherRequest)).toBeNull()
  })

  test('requireCsrf refuses a missing or wrong form token with 403 and accepts the right one', async () => {
    const user = await createStaff()
    const session = (await sessions.getStaffSession(await signedIn(user)))!
    const form = (csrf?: string) => {
      const data = new FormData()
      if (csrf !== undefined) data.set('csrf', csrf)
      return data
    }
    for (const bad of [undefined, '', 'wrong', `${session.csrfToken}x`]) {
      const refused = await thrownResponse(() => sessions.requireCsrf(session, form(bad)))
      expect(refused.status).toBe(403)
    }
    expect(() => sessions.requireCsrf(session, form(session.csrfToken))).not.toThrow()

    // The same through requireStaffAction, as every action calls it.
    const cookie = (await signedIn(user)).headers.get('cookie')!
    const post = (body: URLSearchParams) =>
      sessions.requireStaffAction(
        new Request(`${APP_URL}/admin/staff`, { method: 'POST', body, headers: { cookie } }),
        'viewer',
      )
    expect((await thrownResponse(post(new URLSearchParams({ intent: 'x' })))).status).toBe(403)
    const own = (await sessions.getStaffSession(requestWith(null, { headers: { cookie } })))!
    await expect(post(new URLSearchParams({ csrf: own.csrfToken }))).resolves.toMatchObject({
      session: { user: { id: user.id } },
    })
  })

  test('requireStaff refuses a viewer where an editor is needed with 403, and lets an editor in', async () => {
    const viewer = await createStaff({ role: 'viewer' })
    const editor = await createStaff({ role: 'editor' })
    const refused = await thrownResponse(sessions.requireStaff(await signedIn(viewer), 'editor'))
    expect(refused.status).toBe(403)
    await expect(sessions.requireStaff(await signedIn(viewer), 'viewer')).resolves.toBeTruthy()
    await expect(sessions.requireStaff(await signedIn(editor), 'editor')).resolves.toBeTruthy()
    expect(
      (await thrownResponse(sessions.requireStaff(await signedIn(editor), 'admin'))).status,
    ).toBe(403)
  })
})

describe('password links', () => {
  test('a reset link is emailed through the outbox; only its hash is stored; it works once', async () => {
    const user = await createStaff()
    const token = await resetToken(user)
    const email = await latestEmailTo(user.email)
    expect(email).toMatchObject({
      template: 'staff-password-reset',
      transactional: true,
      status: 'pending',
      payload: { resetUrl: `${APP_URL}/admin/set-password/${token}`, validForMinutes: 60 },
    })
    const stored = await t.db
      .select()
      .from(staffPasswordTokens)
      .where(eq(staffPasswordTokens.staffUserId, user.id))
    expect(stored).toHaveLength(1)
    expect(stored[0]!.tokenHash).toBe(crypto.createHash('sha256').update(token).digest('base64url'))
    expect(stored[0]!.expiresAt.getTime() - stored[0]!.createdAt.getTime()).toBeCloseTo(
      60 * MINUTE_MS,
      -4,
    )

    // Opening the link changes nothing; only setting the password uses it.
    expect(await staff.getPasswordLink({ token })).toEqual({
      status: 'ready',
      email: user.email,
      name: user.name,
    })
    expect(await staff.getPasswordLink({ token })).toMatchObject({ status: 'ready' })

    const newPassword = 'a brand new passphrase'
    const set = await staff.setPasswordWithLink({ token, password: newPassword, ip: null })
    expect(set).toMatchObject({ status: 'ok', setCookie: expect.stringMatching(/^vigil_staff=/) })
    expect((await signIn(user, newPassword)).ok).toBe(true)
    expect((await signIn(user, PASSWORD)).ok).toBe(false)

    expect(await staff.getPasswordLink({ token })).toEqual({ status: 'invalid' })
    expect(
      await staff.setPasswordWithLink({ token, password: 'yet another passphrase', ip: null }),
    ).toEqual({ status: 'invalid' })
    expect((await signIn(user, newPassword)).ok).toBe(true)
    expect(await auditFor(user, 'staff.password_set')).toHaveLength(1)
  })

  test('a reset link expires after one hour', async () => {
    const start = tomorrowAt('15:00:00')
    setClock(start)
    const user = await createStaff()
    const token = await resetToken(user)
    setClock(start.getTime() + 59 * MINUTE_MS)
    expect(await staff.getPasswordLink({ token })).toMatchObject({ status: 'ready' })
    setClock(start.getTime() + 60 * MINUTE_MS + 1000)
    expect(await staff.getPasswordLink({ token })).toEqual({ status: 'expired' })
    expect(
      await staff.setPasswordWithLink({ token, password: 'too late for this one', ip: null }),
    ).toEqual({ status: 'expired' })
    expect((await signIn(user, PASSWORD)).ok).toBe(true)
  })

  test('two uses of one link at the same moment set the password once', async () => {
    const user = await createStaff()
    const token = await resetToken(user)
    const outcomes = await Promise.all([
      staff.setPasswordWithLink({ token, password: 'first racing passphrase', ip: null }),
      staff.setPasswordWithLink({ token, password: 'second racing passphrase', ip: null }),
    ])
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['invalid', 'ok'])
  })

  test('asking for a reset answers the same for an address that is not staff, and sends nothing', async () => {
    const nobody = freshEmail('nobody')
    await expect(
      staff.requestPasswordReset({ email: nobody, ipHash: freshIpHash() }),
    ).resolves.toBeUndefined()
    expect(await latestEmailTo(nobody)).toBeUndefined()
    const disabled = await createStaff({ disabledAt: new Date() })
    await staff.requestPasswordReset({ email: disabled.email, ipHash: freshIpHash() })
    expect(await latestEmailTo(disabled.email)).toBeUndefined()
  })

  test('setting a password ends every other session, lifts a lock and kills older links', async () => {
    const user = await createStaff()
    const laptop = await signedIn(user)
    const phone = await signedIn(user)
    for (let attempt = 1; attempt <= 5; attempt++) await signIn(user, `wrong-${attempt}`)
    const older = await resetToken(user)
    const token = await resetToken(user)

    const set = await staff.setPasswordWithLink({
      token,
      password: 'a fresh passphrase here',
      ip: '203.0.113.1',
    })
    if (set.status !== 'ok') throw new Error(`could not set the password: ${set.status}`)
    expect(await sessions.getStaffSession(laptop)).toBeNull()
    expect(await sessions.getStaffSession(phone)).toBeNull()
    expect(await sessionCount(user)).toBe(1)
    expect((await sessions.getStaffSession(requestWith(set.setCookie)))?.user.id).toBe(user.id)
    expect(await reload(user)).toMatchObject({ failedLoginCount: 0, lockedUntil: null })
    expect(await staff.getPasswordLink({ token: older })).toEqual({ status: 'invalid' })
  })

  test('a new password must have at least 12 characters and be typed the same twice', () => {
    const parse = (password: string, confirm = password) =>
      staff.SetPasswordSchema.safeParse({ password, confirm })
    expect(parse('short pass1').error?.issues[0]?.message).toBe('admin.error.password.tooShort')
    expect(parse('twelve chars').success).toBe(true)
    expect(parse('twelve chars', 'twelve charz').error?.issues[0]).toMatchObject({
      path: ['confirm'],
      message: 'admin.error.password.mismatch',
    })
  })
})

describe('managing staff', () => {
  test('inviting a colleague makes the account and emails a set-password link through the outbox', async () => {
    const admin = await createStaff({ role: 'admin', name: 'Amara Admin' })
    const email = freshEmail('invitee')
    const result = await staff.inviteStaff({
      actor: admin,
      email,
      name: 'Nia Newcomer',
      role: 'viewer',
      ip: '203.0.113.5',
    })
    expect(result).toMatchObject({ status: 'invited' })
    const [invited] = await t.db.select().from(staffUsers).where(eq(staffUsers.email, email))
    expect(invited).toMatchObject({ role: 'viewer', name: 'Nia Newcomer', passwordHash: null })
    const mail = await latestEmailTo(email)
    expect(mail).toMatchObject({
      template: 'staff-invitation',
      transactional: true,
      payload: { inviterName: 'Amara Admin', role: 'viewer', validForHours: 72 },
    })
    const token = tokenFromLink((mail!.payload as { setPasswordUrl: string }).setPasswordUrl)
    expect(await staff.getPasswordLink({ token })).toMatchObject({ status: 'ready', email })
    const [audit] = await auditFor(invited!, 'staff.invited')
    expect(audit).toMatchObject({ staffUserId: admin.id, ip: '203.0.113.5' })

    expect(
      await staff.inviteStaff({ actor: admin, email, name: 'Again', role: 'admin', ip: null }),
    ).toEqual({ status: 'email-taken' })
  })

  test('role changes and disabling are audited with before, after and the IP', async () => {
    const admin = await createStaff({ role: 'admin' })
    const user = await createStaff({ role: 'viewer' })
    const ip = '2001:db8::7'
    expect(
      await staff.changeStaffRole({ actor: admin, staffUserId: user.id, role: 'editor', ip }),
    ).toBe('done')
    expect((await reload(user)).role).toBe('editor')
    const [roleAudit] = await auditFor(user, 'staff.role_changed')
    expect(roleAudit).toMatchObject({
      staffUserId: admin.id,
      entityType: 'staff_user',
      before: { role: 'viewer' },
      after: { role: 'editor' },
      ip,
    })
    expect(
      await staff.changeStaffRole({ actor: admin, staffUserId: user.id, role: 'editor', ip }),
    ).toBe('unchanged')

    await staff.setStaffDisabled({ actor: admin, staffUserId: user.id, disabled: true, ip })
    const [disableAudit] = await auditFor(user, 'staff.disabled')
    expect(disableAudit).toMatchObject({
      before: { disabledAt: null },
      after: { disabledAt: expect.any(String) },
      ip,
    })
    await staff.setStaffDisabled({ actor: admin, staffUserId: user.id, disabled: false, ip })
    expect((await reload(user)).disabledAt).toBeNull()
    expect(await auditFor(user, 'staff.enabled')).toHaveLength(1)
  })

  test('an admin cannot demote or disable themselves', async () => {
    const admin = await createStaff({ role: 'admin' })
    expect(
      await staff.changeStaffRole({
        actor: admin,
        staffUserId: admin.id,
        role: 'viewer',
        ip: null,
      }),
    ).toBe('self')
    expect(
      await staff.setStaffDisabled({
        actor: admin,
        staffUserId: admin.id,
        disabled: true,
        ip: null,
      }),
    ).toBe('self')
    expect(await reload(admin)).toMatchObject({ role: 'admin', disabledAt: null })
  })

  test('the audit log lists newest first, filters by event, staff member and dates, 50 a page', async () => {
    const admin = await createStaff({ role: 'admin' })
    const user = await createStaff({ role: 'viewer' })
    for (let i = 0; i < 3; i++) {
      await staff.changeStaffRole({
        actor: admin,
        staffUserId: user.id,
        role: i % 2 === 0 ? 'editor' : 'viewer',
        ip: null,
      })
    }
    const { filters } = staff.parseAuditSearch(
      new URLSearchParams({ event: 'staff.role_changed', staffUserId: admin.id }),
    )
    const page = await staff.listAuditLog(filters)
    expect(page.total).toBe(3)
    expect(page.entries.map((entry) => entry.after)).toEqual([
      { role: 'editor' },
      { role: 'viewer' },
      { role: 'editor' },
    ])
    expect(page.entries[0]).toMatchObject({ staffEmail: admin.email, entityType: 'staff_user' })

    const today = new Date().toISOString().slice(0, 10)
    const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10)
    const inRange = staff.parseAuditSearch(
      new URLSearchParams({ staffUserId: admin.id, from: today, to: today }),
    )
    expect((await staff.listAuditLog(inRange.filters)).total).toBe(3)
    const before = staff.parseAuditSearch(
      new URLSearchParams({ staffUserId: admin.id, to: yesterday }),
    )
    expect((await staff.listAuditLog(before.filters)).total).toBe(0)

    const bad = staff.parseAuditSearch(new URLSearchParams({ from: 'soon', page: '-1' }))
    expect(bad.ignored.sort()).toEqual(['from', 'page'])
    expect(staff.AUDIT_PAGE_SIZE).toBe(50)
  })
})

describe('npm run staff:create', () => {
  const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx')
  async function staffCreate(args: string[]) {
    const run = startProcess(tsx, ['scripts/staff-create.ts', ...args], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: t.url,
      APP_URL,
    })
    const code = await run.exited
    return { code, output: run.output() }
  }

  test('creates an admin and prints a link that sets the password once', async () => {
    const email = freshEmail('first-admin')
    const { code, output } = await staffCreate([
      '--email',
      email.toUpperCase(),
      '--role',
      'admin',
      '--name',
      'Ana Ruiz',
    ])
    expect(output).toContain(`Created admin account for ${email} (Ana Ruiz).`)
    expect(code).toBe(0)
    const link = output.match(/https:\/\/vigil\.test\/admin\/set-password\/\S+/)?.[0]
    expect(link).toBeDefined()
    const token = tokenFromLink(link!)
    const [created] = await t.db.select().from(staffUsers).where(eq(staffUsers.email, email))
    expect(created).toMatchObject({ role: 'admin', name: 'Ana Ruiz', passwordHash: null })
    const [stored] = await t.db
      .select()
      .from(staffPasswordTokens)
      .where(eq(staffPasswordTokens.staffUserId, created!.id))
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeCloseTo(DAY_MS, -4)

    expect(await staff.getPasswordLink({ token })).toMatchObject({ status: 'ready', email })
    const set = await staff.setPasswordWithLink({ token, password: PASSWORD, ip: null })
    expect(set.status).toBe('ok')
    expect((await signIn(created!, PASSWORD)).ok).toBe(true)
    expect(await auditFor(created!, 'staff.created')).toHaveLength(1)
  })

  test('refuses an address that already has an account, changing nothing', async () => {
    const existing = await createStaff({ role: 'viewer' })
    const { code, output } = await staffCreate(['--email', existing.email, '--role', 'admin'])
    expect(code).not.toBe(0)
    expect(output).toContain(`A staff account with the email ${existing.email} already exists.`)
    expect((await reload(existing)).role).toBe('viewer')
  })

  test('refuses an unknown role and missing arguments with a clear message', async () => {
    const email = freshEmail('boss')
    const unknownRole = await staffCreate(['--email', email, '--role', 'boss'])
    expect(unknownRole.code).not.toBe(0)
    expect(unknownRole.output).toContain('--role must be one of: admin, editor, viewer')
    expect(await t.db.$count(staffUsers, eq(staffUsers.email, email))).toBe(0)

    const missing = await staffCreate(['--role', 'admin'])
    expect(missing.code).not.toBe(0)
    expect(missing.output).toContain('--email is required')
    expect(missing.output).toContain('Usage: npm run staff:create')
  })
})
