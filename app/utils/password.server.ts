// Staff passwords, hashed with argon2id (the library's default algorithm, at OWASP's recommended
// minimum cost: 19 MiB, 2 passes). The PHC string keeps its own salt and parameters, so raising
// the cost later only needs new hashes, not a migration.
import { hash, verify } from '@node-rs/argon2'

export const PASSWORD_MIN_LENGTH = 12
// Long enough for any passphrase, short enough that hashing stays cheap for the server.
export const PASSWORD_MAX_LENGTH = 256

export function hashPassword(password: string) {
  return hash(password)
}

export async function verifyPassword(passwordHash: string, password: string) {
  try {
    return await verify(passwordHash, password)
  } catch {
    // A malformed stored hash is a failed sign-in, never a 500 that tells the account exists.
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Checks a password against a hash nobody can match, so that signing in with an unknown address
 * takes as long as with a known one and the timing tells nothing.
 */
export async function verifyAgainstDummy(password: string) {
  dummyHash ??= hash('no staff member has this password, it only burns the same time')
  await verifyPassword(await dummyHash, password)
  return false
}
