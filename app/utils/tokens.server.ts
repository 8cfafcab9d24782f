// Signed, expiring tokens for the links we email (confirm, follow, unsubscribe, my data). Signed
// with jose (HS256) under a key derived for links only; the payload names its purpose, so a
// token made for one link never works for another.
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

export const LINK_LIFETIME = {
  'confirm-signature': '7d',
  'confirm-follow': '7d',
  // An unsubscribe link must work for as long as the email may be read.
  unsubscribe: null,
  'my-data': '24h',
} as const satisfies Record<TokenPurpose, string | null>

export async function createLinkToken<P extends TokenPurpose>(
  purpose: P,
  payload: TokenPayload<P>,
) {
  const jwt = new SignJWT({ ...payload, pur: purpose })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
  const lifetime = LINK_LIFETIME[purpose]
  if (lifetime) jwt.setExpirationTime(lifetime)
  return jwt.sign(derivedKey('links'))
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
