// Signed, expiring tokens for the links we email (confirm, follow, unsubscribe, my data): JWTs
// (HS256) under a key derived for links only, verified with jose; the payload names its purpose,
// so a token made for one link never works for another.
import crypto from 'node:crypto'
import { errors, jwtVerify } from 'jose'
import { z } from 'zod'
import { derivedKey } from './crypto.server.ts'

const TokenPayloads = {
  'confirm-signature': z.object({ sid: z.uuid() }),
  'confirm-follow': z.object({ sup: z.uuid(), act: z.uuid() }),
  unsubscribe: z.object({ sup: z.uuid(), act: z.uuid().nullable() }),
  'my-data': z.object({ sup: z.uuid() }),
}
export type TokenPurpose = keyof typeof TokenPayloads
export type TokenPayload<P extends TokenPurpose> = z.infer<(typeof TokenPayloads)[P]>

// In seconds.
export const LINK_LIFETIME = {
  'confirm-signature': 7 * 24 * 3600,
  'confirm-follow': 7 * 24 * 3600,
  // An unsubscribe link must work for as long as the email may be read.
  unsubscribe: null,
  'my-data': 24 * 3600,
} as const satisfies Record<TokenPurpose, number | null>

const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url')

/**
 * The JWT that jose's SignJWT makes (the same header, claims in the same order), signed with
 * node:crypto's HMAC: jose signs through WebCrypto, whose key import and promises cost several
 * times the hash itself, and a fan-out signs an unsubscribe link for every follower.
 */
export async function createLinkToken<P extends TokenPurpose>(
  purpose: P,
  payload: TokenPayload<P>,
) {
  const iat = Math.floor(Date.now() / 1000)
  const lifetime = LINK_LIFETIME[purpose]
  const claims = { ...payload, pur: purpose, iat, ...(lifetime ? { exp: iat + lifetime } : {}) }
  const signed = `${JWT_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
  const signature = crypto.createHmac('sha256', derivedKey('links')).update(signed)
  return `${signed}.${signature.digest('base64url')}`
}

export type TokenProblem = 'expired' | 'invalid'

export async function verifyLinkToken<P extends TokenPurpose>(
  purpose: P,
  token: string,
): Promise<{ ok: true; payload: TokenPayload<P> } | { ok: false; problem: TokenProblem }> {
  try {
    const { payload } = await jwtVerify(token, derivedKey('links'), { algorithms: ['HS256'] })
    if (payload.pur !== purpose) return { ok: false, problem: 'invalid' }
    const parsed = TokenPayloads[purpose].safeParse(payload)
    if (!parsed.success) return { ok: false, problem: 'invalid' }
    return { ok: true, payload: parsed.data as TokenPayload<P> }
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, problem: 'expired' }
    return { ok: false, problem: 'invalid' }
  }
}
