// Signed, expiring tokens for the links we email (confirm, follow, unsubscribe, my data): JWTs
// (HS256) signed and verified with fast-jwt under a key derived for links only; the payload names
// its purpose, so a token made for one link never works for another. fast-jwt signs with
// node:crypto's HMAC, synchronously: jose (used before, and by the tests as an independent check)
// goes through WebCrypto, a thread-pool job per token, which cost a fan-out as much as building
// the email. Tokens from either verify with the other, so links already sent keep working.
import { createSigner, createVerifier, TokenError } from 'fast-jwt'
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

type Signer = (payload: Record<string, unknown>) => string
let signers: Map<TokenPurpose, Signer> | undefined
let verify: ((token: string) => Record<string, unknown>) | undefined

/** Built on first use: the key is derived from configuration read at startup. */
function signerFor(purpose: TokenPurpose) {
  signers ??= new Map()
  let signer = signers.get(purpose)
  if (!signer) {
    const lifetime = LINK_LIFETIME[purpose]
    signer = createSigner({
      key: derivedKey('links'),
      algorithm: 'HS256',
      ...(lifetime ? { expiresIn: lifetime * 1000 } : {}),
    })
    signers.set(purpose, signer)
  }
  return signer
}

export async function createLinkToken<P extends TokenPurpose>(
  purpose: P,
  payload: TokenPayload<P>,
) {
  return signerFor(purpose)({ ...payload, pur: purpose })
}

export type TokenProblem = 'expired' | 'invalid'

export async function verifyLinkToken<P extends TokenPurpose>(
  purpose: P,
  token: string,
): Promise<{ ok: true; payload: TokenPayload<P> } | { ok: false; problem: TokenProblem }> {
  verify ??= createVerifier({ key: derivedKey('links'), algorithms: ['HS256'] })
  try {
    const payload = verify(token)
    if (payload.pur !== purpose) return { ok: false, problem: 'invalid' }
    const parsed = TokenPayloads[purpose].safeParse(payload)
    if (!parsed.success) return { ok: false, problem: 'invalid' }
    return { ok: true, payload: parsed.data as TokenPayload<P> }
  } catch (error) {
    if (error instanceof TokenError && error.code === TokenError.codes.expired)
      return { ok: false, problem: 'expired' }
    return { ok: false, problem: 'invalid' }
  }
}
