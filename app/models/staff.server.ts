// Staff accounts: signing in (with throttling and lockout), one-time links to set or reset a
// password, invitations, roles, disabling, and reading the audit log. Every change to an account
// is written to the audit log in the same transaction as the change.
import crypto from 'node:crypto'
import { and, asc, count, desc, eq, gt, gte, isNull, lt, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { writeAudit } from '#app/utils/audit.server.ts'
import { hashForRateLimit } from '#app/utils/crypto.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import {
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  verifyAgainstDummy,
  verifyPassword,
} from '#app/utils/password.server.ts'
import { hitRateLimit, type RateLimit } from '#app/utils/rate-limit.server.ts'
import { createStaffSession, hashToken, type StaffSession } from '#app/utils/session.server.ts'
import type { Database, DbOrTx } from '#db/client.ts'
import {
  auditLog,
  staffPasswordTokens,
  staffRole,
  staffSessions,
  staffUsers,
  type StaffUser,
} from '#db/schema.ts'
import { writeOutboxMessage } from '#jobs/outbox.ts'

export const STAFF_ROLES = staffRole.enumValues
export type StaffRoleName = (typeof STAFF_ROLES)[number]

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

/**
 * How repeated failures slow down and then stop sign-in to one account. The counter only resets
 * on a successful sign-in (or a new password): after a lock ends, each further failure locks the
 * account again, so a guesser gets one try per lock period.
 */
export const LOGIN_THROTTLE = {
  delayFromFailure: 3,
  delayPerFailureMs: 1000,
  maxDelayMs: 5000,
  lockAfterFailures: 5,
  lockMs: 15 * MINUTE_MS,
}

/** Every sign-in attempt from one address counts, whatever account it names. */
export const LOGIN_IP_LIMIT: RateLimit = { bucket: 'staff-login-ip', limit: 20, windowSeconds: 600 }
// Failures for addresses that are not staff, counted only so their answers slow down exactly as a
// real account's would: the delay must not tell which addresses exist.
const UNKNOWN_LOGIN_COUNTER: RateLimit = {
  bucket: 'staff-login-unknown',
  limit: Number.MAX_SAFE_INTEGER,
  windowSeconds: LOGIN_THROTTLE.lockMs / 1000,
}
const RESET_IP_LIMIT: RateLimit = { bucket: 'staff-reset-ip', limit: 10, windowSeconds: 3600 }
const RESET_EMAIL_LIMIT: RateLimit = { bucket: 'staff-reset-email', limit: 3, windowSeconds: 3600 }

/** How long each kind of set-password link works. */
export const PASSWORD_LINK_TTL_MS = {
  reset: HOUR_MS,
  // Printed by `npm run staff:create` for the person at the terminal.
  commandLine: 24 * HOUR_MS,
  // Emailed to a new colleague, who may not read it the same day.
  invitation: 72 * HOUR_MS,
} as const

// ---------------------------------------------------------------------------------------------
// What staff type, validated at the edge. Messages are translation keys.

// Names are shown across the console and in emails: letters and punctuation, never markup.
const CONTROL_CHARS = /[^\P{Cc}]/u

export const staffEmailField = z
  .string({ error: 'form.error.email.required' })
  .trim()
  .toLowerCase()
  .min(1, 'form.error.email.required')
  .max(254, 'form.error.email.tooLong')
  .pipe(z.email('form.error.email.invalid'))

export const staffNameField = z
  .string({ error: 'admin.error.name.required' })
  .trim()
  .min(1, 'admin.error.name.required')
  .max(100, 'admin.error.name.tooLong')
  .regex(/^[^<>]*$/, 'admin.error.name.markup')
  .refine((value) => !CONTROL_CHARS.test(value), 'admin.error.name.markup')

export const StaffRoleSchema = z.enum(STAFF_ROLES, { error: 'admin.error.role.invalid' })

export const SignInSchema = z.object({
  // Not checked for shape: any wrong address gets the same answer as a wrong password.
  email: z
    .string({ error: 'admin.error.email.required' })
    .trim()
    .toLowerCase()
    .min(1, 'admin.error.email.required')
    .max(254, 'admin.error.credentials'),
  password: z
    .string({ error: 'admin.error.password.required' })
    .min(1, 'admin.error.password.required')
    .max(PASSWORD_MAX_LENGTH, 'admin.error.credentials'),
  redirectTo: z.string().max(2000).optional(),
})

export const PasswordResetRequestSchema = z.object({ email: staffEmailField })

export const SetPasswordSchema = z
  .object({
    password: z
      .string({ error: 'admin.error.password.tooShort' })
      .min(PASSWORD_MIN_LENGTH, 'admin.error.password.tooShort')
      .max(PASSWORD_MAX_LENGTH, 'admin.error.password.tooLong'),
    confirm: z.string({ error: 'admin.error.password.mismatch' }),
  })
  .refine((value) => value.password === value.confirm, {
    path: ['confirm'],
    message: 'admin.error.password.mismatch',
  })

/** The one-time token in a set-password link: 32 random bytes, base64url. */
export const PasswordTokenParam = z.string().regex(/^[A-Za-z0-9_-]{43}$/)

export const StaffChangeSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({
      intent: z.literal('invite'),
      email: staffEmailField,
      name: staffNameField,
      role: StaffRoleSchema,
    }),
    z.object({ intent: z.literal('role'), staffUserId: z.uuid(), role: StaffRoleSchema }),
    z.object({ intent: z.literal('disable'), staffUserId: z.uuid() }),
    z.object({ intent: z.literal('enable'), staffUserId: z.uuid() }),
  ],
  { error: 'form.error.invalid' },
)

/**
 * Where to go after signing in: only a path inside the console. Anything else (another site,
 * `//host`, `/\host`, a path outside /admin) falls back to the console's home.
 */
export function safeAdminRedirect(to: string | null | undefined) {
  if (!to || !/^\/admin(?:[/?#]|$)/.test(to)) return '/admin'
  if (to.includes('\\') || CONTROL_CHARS.test(to) || to.startsWith('/admin/logout')) {
    return '/admin'
  }
  return to
}

// ---------------------------------------------------------------------------------------------
// Signing in and out.

type Actor = Pick<StaffSession['user'], 'id'>

export function loginDelayMs(failures: number) {
  if (failures < LOGIN_THROTTLE.delayFromFailure) return 0
  return Math.min(failures * LOGIN_THROTTLE.delayPerFailureMs, LOGIN_THROTTLE.maxDelayMs)
}

export type SignInResult =
  | { ok: true; userId: string; setCookie: string }
  // The same answer for an unknown address, a wrong password, a locked or disabled account.
  | { ok: false; delayMs: number }

/**
 * Checks an email and password. The route waits `delayMs` before answering a failure, so
 * guessing slows down from the third failure; after five the account is locked for 15 minutes,
 * when even the right password is refused. Throws RateLimitedError past the per-IP limit.
 */
export async function signIn({
  email,
  password,
  ipHash,
  ip,
}: {
  email: string
  password: string
  ipHash: string
  ip: string | null
}): Promise<SignInResult> {
  const db = getDb()
  await hitRateLimit(db, LOGIN_IP_LIMIT, ipHash)
  const address = email.trim().toLowerCase()
  const user = await findStaffByAddress(address)
  if (!user || user.disabledAt || !user.passwordHash) {
    await verifyAgainstDummy(password)
    const failures = await hitRateLimit(db, UNKNOWN_LOGIN_COUNTER, hashForRateLimit(address))
    return { ok: false, delayMs: loginDelayMs(failures) }
  }

  // The failure is counted before the password is checked, in one conditional update, so
  // attempts made in parallel are all counted and none gets past a lock another one set.
  const now = Date.now()
  const [counted] = await db
    .update(staffUsers)
    .set({
      failedLoginCount: sql`${staffUsers.failedLoginCount} + 1`,
      lockedUntil: sql`case when ${staffUsers.failedLoginCount} + 1 >= ${LOGIN_THROTTLE.lockAfterFailures}
        then ${new Date(now + LOGIN_THROTTLE.lockMs).toISOString()}::timestamptz
        else ${staffUsers.lockedUntil} end`,
    })
    .where(
      and(
        eq(staffUsers.id, user.id),
        sql`(${staffUsers.lockedUntil} is null or ${staffUsers.lockedUntil} <= ${new Date(now).toISOString()}::timestamptz)`,
      ),
    )
    .returning({ failedLoginCount: staffUsers.failedLoginCount })

  if (!counted) {
    // Locked: the password is still checked, so a locked account answers in the same time.
    await verifyPassword(user.passwordHash, password)
    return { ok: false, delayMs: LOGIN_THROTTLE.maxDelayMs }
  }

  if (!(await verifyPassword(user.passwordHash, password))) {
    if (counted.failedLoginCount >= LOGIN_THROTTLE.lockAfterFailures) {
      await writeAudit(db, {
        staffUserId: user.id,
        event: 'staff.locked',
        entityType: 'staff_user',
        entityId: user.id,
        after: {
          failedLoginCount: counted.failedLoginCount,
          lockedForMinutes: LOGIN_THROTTLE.lockMs / MINUTE_MS,
        },
        ip,
      })
    }
    return { ok: false, delayMs: loginDelayMs(counted.failedLoginCount) }
  }

  await db.transaction(async (tx) => {
    await tx
      .update(staffUsers)
      .set({ failedLoginCount: 0, lockedUntil: null })
      .where(eq(staffUsers.id, user.id))
    // Old sessions of this account that have ended are of no use to anyone.
    await tx
      .delete(staffSessions)
      .where(
        and(eq(staffSessions.staffUserId, user.id), lt(staffSessions.expiresAt, new Date(now))),
      )
    await writeAudit(tx, {
      staffUserId: user.id,
      event: 'staff.signed_in',
      entityType: 'staff_user',
      entityId: user.id,
      ip,
    })
  })
  return { ok: true, userId: user.id, setCookie: await createStaffSession(user.id) }
}

/** Records a sign-out; the route ends the session itself. */
export async function recordSignOut({ actor, ip }: { actor: Actor; ip: string | null }) {
  await writeAudit(getDb(), {
    staffUserId: actor.id,
    event: 'staff.signed_out',
    entityType: 'staff_user',
    entityId: actor.id,
    ip,
  })
}

// ---------------------------------------------------------------------------------------------
// One-time links to set a password (first time, invitation or reset).

/** Stores a new one-time token (only its hash) and returns the token for the link. */
async function createPasswordToken(tx: DbOrTx, staffUserId: string, ttlMs: number) {
  const token = crypto.randomBytes(32).toString('base64url')
  await tx.insert(staffPasswordTokens).values({
    tokenHash: hashToken(token),
    staffUserId,
    expiresAt: new Date(Date.now() + ttlMs),
  })
  return token
}

export function setPasswordUrl(appUrl: string, token: string) {
  return `${appUrl}/admin/set-password/${token}`
}

/**
 * The staff account of a typed address. The forms take any text there (a wrong address gets the
 * same answer as a wrong password), but PostgreSQL refuses text with a NUL byte: an address with
 * a control character, which no account has, is looked up nowhere.
 */
async function findStaffByAddress(address: string) {
  if (CONTROL_CHARS.test(address)) return undefined
  const [user] = await getDb().select().from(staffUsers).where(eq(staffUsers.email, address))
  return user
}

/**
 * Emails a reset link if the address belongs to an active staff account. Answers the same either
 * way, so the form cannot be used to learn who works here. Throws RateLimitedError when abused.
 */
export async function requestPasswordReset({ email, ipHash }: { email: string; ipHash: string }) {
  const db = getDb()
  const address = email.trim().toLowerCase()
  await hitRateLimit(db, RESET_IP_LIMIT, ipHash)
  await hitRateLimit(db, RESET_EMAIL_LIMIT, hashForRateLimit(address))
  const user = await findStaffByAddress(address)
  if (!user || user.disabledAt) return
  await db.transaction(async (tx) => {
    const token = await createPasswordToken(tx, user.id, PASSWORD_LINK_TTL_MS.reset)
    await writeOutboxMessage(tx, {
      idempotencyKey: `staff-password-reset:${hashToken(token)}`,
      template: 'staff-password-reset',
      to: user.email,
      params: {
        name: user.name,
        resetUrl: setPasswordUrl(getEnv().APP_URL, token),
        validForMinutes: PASSWORD_LINK_TTL_MS.reset / MINUTE_MS,
      },
    })
  })
}

export type PasswordLinkView =
  { status: 'ready'; email: string; name: string } | { status: 'expired' | 'invalid' }

/** What a set-password link shows. Opening it changes nothing (mail scanners open links). */
export async function getPasswordLink({ token }: { token: string }): Promise<PasswordLinkView> {
  const [row] = await getDb()
    .select({
      expiresAt: staffPasswordTokens.expiresAt,
      usedAt: staffPasswordTokens.usedAt,
      email: staffUsers.email,
      name: staffUsers.name,
      disabledAt: staffUsers.disabledAt,
    })
    .from(staffPasswordTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, staffPasswordTokens.staffUserId))
    .where(eq(staffPasswordTokens.tokenHash, hashToken(token)))
  if (!row || row.usedAt || row.disabledAt) return { status: 'invalid' }
  if (row.expiresAt.getTime() <= Date.now()) return { status: 'expired' }
  return { status: 'ready', email: row.email, name: row.name }
}

/**
 * Uses a one-time link to set a password: the link and every other unused link of the account
 * stop working, every session of the account ends (whoever held them), any lock is lifted, and
 * a new session starts for the person who set it.
 */
export async function setPasswordWithLink({
  token,
  password,
  ip,
}: {
  token: string
  password: string
  ip: string | null
}): Promise<{ status: 'ok'; setCookie: string } | { status: 'expired' | 'invalid' }> {
  const view = await getPasswordLink({ token })
  if (view.status !== 'ready') return view
  // Hashed before the transaction: argon2 is slow on purpose and must not hold row locks.
  const passwordHash = await hashPassword(password)
  const db = getDb()
  const staffUserId = await db.transaction(async (tx) => {
    // Consumed with a conditional update, so two submissions of one link cannot both succeed.
    const [used] = await tx
      .update(staffPasswordTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(staffPasswordTokens.tokenHash, hashToken(token)),
          isNull(staffPasswordTokens.usedAt),
          gt(staffPasswordTokens.expiresAt, new Date()),
        ),
      )
      .returning({ staffUserId: staffPasswordTokens.staffUserId })
    if (!used) return null
    const [user] = await tx
      .update(staffUsers)
      .set({ passwordHash, failedLoginCount: 0, lockedUntil: null, updatedAt: sql`now()` })
      .where(and(eq(staffUsers.id, used.staffUserId), isNull(staffUsers.disabledAt)))
      .returning({ id: staffUsers.id })
    if (!user) return null
    await tx
      .update(staffPasswordTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(staffPasswordTokens.staffUserId, user.id), isNull(staffPasswordTokens.usedAt)))
    await tx.delete(staffSessions).where(eq(staffSessions.staffUserId, user.id))
    await writeAudit(tx, {
      staffUserId: user.id,
      event: 'staff.password_set',
      entityType: 'staff_user',
      entityId: user.id,
      ip,
    })
    return user.id
  })
  if (!staffUserId) return { status: 'invalid' }
  return { status: 'ok', setCookie: await createStaffSession(staffUserId) }
}

// ---------------------------------------------------------------------------------------------
// Creating accounts.

export class StaffEmailTakenError extends Error {
  constructor(readonly email: string) {
    super(`A staff account with the email ${email} already exists.`)
    this.name = 'StaffEmailTakenError'
  }
}

function isUniqueViolation(error: unknown) {
  const cause = (error as { cause?: unknown })?.cause ?? error
  return (cause as { code?: string })?.code === '23505'
}

/** Inserts an account without a password, with a one-time link to set one. */
async function insertStaffWithLink(
  tx: DbOrTx,
  input: { email: string; name: string; role: StaffRoleName; ttlMs: number },
) {
  const [user] = await tx
    .insert(staffUsers)
    .values({ email: input.email, name: input.name, role: input.role })
    .onConflictDoNothing({ target: staffUsers.email })
    .returning({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name })
  if (!user) throw new StaffEmailTakenError(input.email)
  const token = await createPasswordToken(tx, user.id, input.ttlMs)
  return { user, token }
}

/**
 * `npm run staff:create`: makes an account (the first admin, usually) and returns the link that
 * sets its password. Takes its database and base URL from the caller, since the command line
 * needs no more configuration than that. Throws StaffEmailTakenError for an existing address.
 */
export async function createStaffFromCommandLine({
  db,
  appUrl,
  email,
  name,
  role,
}: {
  db: Database
  appUrl: string
  email: string
  name: string
  role: StaffRoleName
}) {
  try {
    return await db.transaction(async (tx) => {
      const { user, token } = await insertStaffWithLink(tx, {
        email,
        name,
        role,
        ttlMs: PASSWORD_LINK_TTL_MS.commandLine,
      })
      await writeAudit(tx, {
        staffUserId: null,
        event: 'staff.created',
        entityType: 'staff_user',
        entityId: user.id,
        after: { email: user.email, name: user.name, role, via: 'command line' },
      })
      return { user, setPasswordUrl: setPasswordUrl(appUrl, token) }
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new StaffEmailTakenError(email)
    throw error
  }
}

/** An admin invites a colleague: the account is made and a set-password link is emailed. */
export async function inviteStaff({
  actor,
  email,
  name,
  role,
  ip,
}: {
  actor: StaffSession['user']
  email: string
  name: string
  role: StaffRoleName
  ip: string | null
}): Promise<{ status: 'invited'; staffUserId: string } | { status: 'email-taken' }> {
  try {
    return await getDb().transaction(async (tx) => {
      const { user, token } = await insertStaffWithLink(tx, {
        email,
        name,
        role,
        ttlMs: PASSWORD_LINK_TTL_MS.invitation,
      })
      await writeOutboxMessage(tx, {
        idempotencyKey: `staff-invitation:${hashToken(token)}`,
        template: 'staff-invitation',
        to: user.email,
        params: {
          name: user.name,
          inviterName: actor.name,
          role,
          setPasswordUrl: setPasswordUrl(getEnv().APP_URL, token),
          validForHours: PASSWORD_LINK_TTL_MS.invitation / HOUR_MS,
        },
      })
      await writeAudit(tx, {
        staffUserId: actor.id,
        event: 'staff.invited',
        entityType: 'staff_user',
        entityId: user.id,
        after: { email: user.email, name: user.name, role },
        ip,
      })
      return { status: 'invited' as const, staffUserId: user.id }
    })
  } catch (error) {
    if (error instanceof StaffEmailTakenError || isUniqueViolation(error)) {
      return { status: 'email-taken' }
    }
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// Managing accounts (admins only; the routes check the role).

export type StaffListEntry = Pick<StaffUser, 'id' | 'name' | 'email' | 'role'> & {
  locked: boolean
  disabled: boolean
  invitationPending: boolean
}

export async function listStaff(): Promise<StaffListEntry[]> {
  const now = new Date()
  const rows = await getDb()
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      email: staffUsers.email,
      role: staffUsers.role,
      lockedUntil: staffUsers.lockedUntil,
      disabledAt: staffUsers.disabledAt,
      hasPassword: sql<boolean>`${staffUsers.passwordHash} is not null`,
    })
    .from(staffUsers)
    .orderBy(asc(staffUsers.name), asc(staffUsers.email))
  return rows.map(({ lockedUntil, disabledAt, hasPassword, ...row }) => ({
    ...row,
    locked: !!lockedUntil && lockedUntil > now,
    disabled: !!disabledAt,
    invitationPending: !hasPassword,
  }))
}

export type StaffChangeResult = 'done' | 'unchanged' | 'self' | 'not-found'

/** Changes a colleague's role. An admin cannot change their own (nor so demote themselves). */
export async function changeStaffRole({
  actor,
  staffUserId,
  role,
  ip,
}: {
  actor: Actor
  staffUserId: string
  role: StaffRoleName
  ip: string | null
}): Promise<StaffChangeResult> {
  if (staffUserId === actor.id) return 'self'
  return getDb().transaction(async (tx) => {
    const [before] = await tx
      .select({ role: staffUsers.role })
      .from(staffUsers)
      .where(eq(staffUsers.id, staffUserId))
      .for('update')
    if (!before) return 'not-found'
    if (before.role === role) return 'unchanged'
    await tx
      .update(staffUsers)
      .set({ role, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staffUserId))
    await writeAudit(tx, {
      staffUserId: actor.id,
      event: 'staff.role_changed',
      entityType: 'staff_user',
      entityId: staffUserId,
      before: { role: before.role },
      after: { role },
      ip,
    })
    return 'done'
  })
}

/**
 * Disables or enables an account. Disabling ends its sessions at once (and the session check
 * refuses disabled accounts anyway); an admin cannot disable themselves.
 */
export async function setStaffDisabled({
  actor,
  staffUserId,
  disabled,
  ip,
}: {
  actor: Actor
  staffUserId: string
  disabled: boolean
  ip: string | null
}): Promise<StaffChangeResult> {
  if (staffUserId === actor.id) return 'self'
  return getDb().transaction(async (tx) => {
    const [before] = await tx
      .select({ disabledAt: staffUsers.disabledAt })
      .from(staffUsers)
      .where(eq(staffUsers.id, staffUserId))
      .for('update')
    if (!before) return 'not-found'
    if (!!before.disabledAt === disabled) return 'unchanged'
    const [after] = await tx
      .update(staffUsers)
      .set({ disabledAt: disabled ? sql`now()` : null, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staffUserId))
      .returning({ disabledAt: staffUsers.disabledAt })
    if (disabled) await tx.delete(staffSessions).where(eq(staffSessions.staffUserId, staffUserId))
    await writeAudit(tx, {
      staffUserId: actor.id,
      event: disabled ? 'staff.disabled' : 'staff.enabled',
      entityType: 'staff_user',
      entityId: staffUserId,
      before: { disabledAt: before.disabledAt?.toISOString() ?? null },
      after: { disabledAt: after?.disabledAt?.toISOString() ?? null },
      ip,
    })
    return 'done'
  })
}

// ---------------------------------------------------------------------------------------------
// The audit log.

export const AUDIT_PAGE_SIZE = 50

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const isoDate = z
  .string()
  .regex(ISO_DATE)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))

// An empty field is what a GET form sends for "no filter".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema.optional(),
  )

// Event and entity names are words, dots and hyphens; anything else matches nothing anyway.
const auditName = z
  .string()
  .trim()
  .max(100)
  .regex(/^[\w.:-]*$/)

export const AuditSearchSchema = z.object({
  entityType: optional(auditName),
  event: optional(auditName),
  staffUserId: optional(z.uuid()),
  from: optional(isoDate),
  to: optional(isoDate),
  page: optional(z.coerce.number().int().min(1).max(100_000)).transform((value) => value ?? 1),
})
export type AuditFilters = z.output<typeof AuditSearchSchema>
export type AuditFilterName = keyof AuditFilters
const auditFilterNames = Object.keys(AuditSearchSchema.shape) as AuditFilterName[]

/** Reads the filters from the URL; a bad value is dropped (and reported), never an error. */
export function parseAuditSearch(searchParams: URLSearchParams) {
  const raw: Partial<Record<AuditFilterName, string>> = {}
  for (const name of auditFilterNames) {
    const value = searchParams.get(name)
    if (value !== null) raw[name] = value
  }
  const first = AuditSearchSchema.safeParse(raw)
  if (first.success) return { filters: first.data, ignored: [] as AuditFilterName[] }
  const ignored = auditFilterNames.filter((name) =>
    first.error.issues.some((issue) => issue.path[0] === name),
  )
  for (const name of ignored) delete raw[name]
  return { filters: AuditSearchSchema.parse(raw), ignored }
}

function auditWhere(filters: AuditFilters) {
  const conditions: SQL[] = []
  if (filters.entityType) conditions.push(eq(auditLog.entityType, filters.entityType))
  if (filters.event) conditions.push(eq(auditLog.event, filters.event))
  if (filters.staffUserId) conditions.push(eq(auditLog.staffUserId, filters.staffUserId))
  // Whole days in UTC, both ends included.
  if (filters.from) conditions.push(gte(auditLog.at, new Date(`${filters.from}T00:00:00Z`)))
  if (filters.to) {
    const dayAfter = new Date(Date.parse(`${filters.to}T00:00:00Z`) + 24 * HOUR_MS)
    conditions.push(lt(auditLog.at, dayAfter))
  }
  return conditions.length ? and(...conditions) : undefined
}

export type AuditEntry = {
  id: number
  at: string
  event: string
  entityType: string
  entityId: string | null
  staffName: string | null
  staffEmail: string | null
  before: unknown
  after: unknown
  ip: string | null
}

/** One page of the audit log, newest first; a page past the end shows the last page. */
export async function listAuditLog(filters: AuditFilters) {
  const db = getDb()
  const where = auditWhere(filters)
  const [totalRow] = await db.select({ total: count() }).from(auditLog).where(where)
  const total = totalRow?.total ?? 0
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE))
  const page = Math.min(filters.page, pageCount)
  const rows =
    total === 0
      ? []
      : await db
          .select({
            id: auditLog.id,
            at: auditLog.at,
            event: auditLog.event,
            entityType: auditLog.entityType,
            entityId: auditLog.entityId,
            staffName: staffUsers.name,
            staffEmail: staffUsers.email,
            before: auditLog.before,
            after: auditLog.after,
            ip: auditLog.ip,
          })
          .from(auditLog)
          .leftJoin(staffUsers, eq(staffUsers.id, auditLog.staffUserId))
          .where(where)
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(AUDIT_PAGE_SIZE)
          .offset((page - 1) * AUDIT_PAGE_SIZE)
  const entries: AuditEntry[] = rows.map((row) => ({ ...row, at: row.at.toISOString() }))
  return { entries, total, page, pageCount }
}

/** What the filter form offers: the entity types and events that occur, and every staff member. */
export async function getAuditFilterOptions() {
  const db = getDb()
  const [entityTypes, events, staff] = await Promise.all([
    db
      .selectDistinct({ value: auditLog.entityType })
      .from(auditLog)
      .orderBy(asc(auditLog.entityType)),
    db.selectDistinct({ value: auditLog.event }).from(auditLog).orderBy(asc(auditLog.event)),
    db
      .select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email })
      .from(staffUsers)
      .orderBy(asc(staffUsers.name)),
  ])
  return {
    entityTypes: entityTypes.map((row) => row.value),
    events: events.map((row) => row.value),
    staff,
  }
}
