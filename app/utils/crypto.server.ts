// Keys derived from SESSION_SECRET for separate purposes (HKDF, from node:crypto), so one leaked
// derived value never reveals another, and the IP hash that abuse checks use.
import crypto from 'node:crypto'
import { getEnv } from './env.server.ts'

const keys = new Map<string, Buffer>()

export function derivedKey(purpose: string) {
  let key = keys.get(purpose)
  if (!key) {
    const secret = getEnv().SESSION_SECRET
    key = Buffer.from(crypto.hkdfSync('sha256', secret, 'vigil', purpose, 32))
    keys.set(purpose, key)
  }
  return key
}

/** A keyed hash of the client IP: enough to spot abuse from one address, useless to identify anyone. */
export function hashIp(ip: string) {
  return crypto.createHmac('sha256', derivedKey('ip-hash')).update(ip).digest('base64url')
}

/** A keyed hash of an email address, for rate-limit keys: no plain address is ever stored there. */
export function hashForRateLimit(value: string) {
  return crypto.createHmac('sha256', derivedKey('rate-limit')).update(value).digest('base64url')
}
