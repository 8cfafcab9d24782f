// Signed, expiring tokens for the links we email (confirm, follow, unsubscribe, my data): JWTs
// (HS256) signed and verified with jose under a key derived for links only; the payload names its
// purpose, so a token made for one link never works for another.
import { errors, jwtVerify, SignJWT } from 'jose'
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

/**
 * The links key imported into WebCrypto once per process. Given raw bytes, jose imports the key
 * for every token, and a fan-out signs an unsubscribe link for every follower: the import cost
 * several times the HMAC itself.
 */
let linksKey: Promise<CryptoKey> | undefined
function linkKey() {
  linksKey ??= crypto.subtle.importKey(
    'raw',
    new Uint8Array(derivedKey('links')),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  return linksKey
}

export async function createLinkToken<P extends TokenPurpose>(
  purpose: P,
  payload: TokenPayload<P>,
) {
  const iat = Math.floor(Date.now() / 1000)
  const lifetime = LINK_LIFETIME[purpose]
  const jwt = new SignJWT({ ...payload, pur: purpose })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(iat)
  // A number is an absolute time to jose.
  if (lifetime) jwt.setExpirationTime(iat + lifetime)
  return jwt.sign(await linkKey())
}

export type TokenProblem = 'expired' | 'invalid'

export async function verifyLinkToken<P extends TokenPurpose>(
  purpose: P,
  token: string,
): Promise<{ ok: true; payload: TokenPayload<P> } | { ok: false; problem: TokenProblem }> {
  try {
    const { payload } = await jwtVerify(token, await linkKey(), { algorithms: ['HS256'] })
    if (payload.pur !== purpose) return { ok: false, problem: 'invalid' }
    const parsed = TokenPayloads[purpose].safeParse(payload)
    if (!parsed.success) return { ok: false, problem: 'invalid' }
    return { ok: true, payload: parsed.data as TokenPayload<P> }
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, problem: 'expired' }
    return { ok: false, problem: 'invalid' }
  }
}
