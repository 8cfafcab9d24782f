// Staff sessions: a random token in an httpOnly, SameSite=Lax cookie (Secure when served over
// https); the database keeps only its SHA-256, with the session's CSRF token and expiry.
import crypto from 'node:crypto'
import { createCookie, redirect } from '@remix-run/node'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { staffSessions, staffUsers, type StaffUser } from '#db/schema.ts'
import { getDb } from './db.server.ts'
import { getEnv } from './env.server.ts'

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
export const ROLE_RANK = { viewer: 1, editor: 2, admin: 3 } as const
export type StaffRole = keyof typeof ROLE_RANK

let cookie: ReturnType<typeof createCookie> | undefined
function sessionCookie() {
  const env = getEnv()
  cookie ??= createCookie('vigil_staff', {
    httpOnly: true,
    sameSite: 'lax',
    secure: env.APP_URL.startsWith('https:'),
    path: '/',
    secrets: [env.SESSION_SECRET],
    maxAge: SESSION_TTL_MS / 1000,
  })
  return cookie
}

export function hashToken(token: string) {
  return crypto.createHash('sha256').update(token).digest('base64url')
}

/** Starts a session for a staff member; returns the Set-Cookie header value. */
export async function createStaffSession(staffUserId: string) {
  const token = crypto.randomBytes(32).toString('base64url')
  await getDb()
    .insert(staffSessions)
    .values({
      idHash: hashToken(token),
      csrfToken: crypto.randomBytes(32).toString('base64url'),
      staffUserId,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    })
  return sessionCookie().serialize(token)
}

export type StaffSession = {
  user: Pick<StaffUser, 'id' | 'email' | 'name' | 'role'>
  csrfToken: string
  idHash: string
}

/** The signed-in staff member, or null (no cookie, unknown, expired, or a disabled account). */
export async function getStaffSession(request: Request): Promise<StaffSession | null> {
  const token = await sessionCookie().parse(request.headers.get('cookie'))
  if (typeof token !== 'string' || token.length < 20) return null
  const idHash = hashToken(token)
  const [row] = await getDb()
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      csrfToken: staffSessions.csrfToken,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .where(
      and(
        eq(staffSessions.idHash, idHash),
        gt(staffSessions.expiresAt, sql`now()`),
        isNull(staffUsers.disabledAt),
      ),
    )
  if (!row) return null
  const { csrfToken, ...user } = row
  return { user, csrfToken, idHash }
}

/**
 * The guard every admin loader and action starts with: not signed in goes to the login page,
 * signed in without the role gets 403. Enforced on the server, whatever the page shows.
 */
export async function requireStaff(request: Request, role: StaffRole = 'viewer') {
  const session = await getStaffSession(request)
  if (!session) {
    const url = new URL(request.url)
    throw redirect(`/admin/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`)
  }
  if (ROLE_RANK[session.user.role] < ROLE_RANK[role]) {
    throw new Response('Forbidden', { status: 403 })
  }
  return session
}

/** Checks the form's CSRF token against the session's (constant time); 403 when they differ. */
export function requireCsrf(session: StaffSession, formData: FormData) {
  const sent = formData.get('csrf')
  const expected = Buffer.from(session.csrfToken)
  const actual = Buffer.from(typeof sent === 'string' ? sent : '')
  if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) {
    throw new Response('Forbidden: invalid form token', { status: 403 })
  }
}

/** requireStaff + requireCsrf for a state-changing request; returns the session and the form. */
export async function requireStaffAction(request: Request, role: StaffRole) {
  const session = await requireStaff(request, role)
  const formData = await request.formData()
  requireCsrf(session, formData)
  return { session, formData }
}

/** Ends the current session; returns the Set-Cookie header that clears the cookie. */
export async function destroyStaffSession(request: Request) {
  const session = await getStaffSession(request)
  if (session) await getDb().delete(staffSessions).where(eq(staffSessions.idHash, session.idHash))
  return sessionCookie().serialize('', { maxAge: 0 })
}
