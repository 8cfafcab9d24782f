// Signed-in staff for tests over HTTP: the account and its session are written straight to the
// database, skipping the password (hashing is slow) and the sign-in rate limits.
import crypto from 'node:crypto'
import type { Database } from '#db/client.ts'
import { staffUsers } from '#db/schema.ts'

/**
 * A new staff member with this role, and the Cookie header of a session of theirs. The session
 * module reads its configuration once: point process.env at the test database (and the web
 * process's SESSION_SECRET) before the first call.
 */
export async function staffCookie(db: Database, role: 'viewer' | 'editor' | 'admin') {
  const [user] = await db
    .insert(staffUsers)
    .values({
      email: `${role}-${crypto.randomBytes(4).toString('hex')}@vigil.test`,
      name: `Test ${role}`,
      role,
    })
    .returning()
  const { createStaffSession } = await import('#app/utils/session.server.ts')
  const setCookie = await createStaffSession(user!.id)
  return { user: user!, cookie: setCookie.split(';')[0]! }
}

/** The session's form token, as a console page embeds it in every form. */
export function csrfTokenIn(html: string) {
  const token = html.match(/name="csrf" value="([^"]+)"/)?.[1]
  if (!token) throw new Error('no CSRF token in the page')
  return token
}
