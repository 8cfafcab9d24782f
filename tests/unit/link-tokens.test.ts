import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import type * as CryptoModule from '#app/utils/crypto.server.ts'
import type * as TokensModule from '#app/utils/tokens.server.ts'

const env = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/vigil',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Vigil <no-reply@vigil.example.org>',
  APP_URL: 'https://vigil.example.org',
  SESSION_SECRET: 'b'.repeat(32),
}
// Imported once the configuration they read is in place.
let tokens: typeof TokensModule
let derivedKey: typeof CryptoModule.derivedKey
beforeAll(async () => {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  tokens = await import('#app/utils/tokens.server.ts')
  derivedKey = (await import('#app/utils/crypto.server.ts')).derivedKey
})
afterEach(() => {
  vi.useRealTimers()
})

const sup = '0b6f8a52-4a1e-4c1e-9d8e-2a8f0f3c1d01'
const act = '7c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'

describe('link tokens', () => {
  test('a link token is a standard JWT (HS256) under the links key: its purpose, issued-at, and expiry where it has one', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T12:00:00.400Z'), toFake: ['Date'] })
    const iat = Math.floor(Date.now() / 1000)
    // Read back by jose, an independent implementation.
    const claims = async (token: string) => {
      expect(decodeProtectedHeader(token).alg).toBe('HS256')
      return (await jwtVerify(token, derivedKey('links'), { algorithms: ['HS256'] })).payload
    }
    expect(await claims(await tokens.createLinkToken('unsubscribe', { sup, act }))).toEqual({
      sup,
      act,
      pur: 'unsubscribe',
      iat,
    })
    expect(await claims(await tokens.createLinkToken('unsubscribe', { sup, act: null }))).toEqual({
      sup,
      act: null,
      pur: 'unsubscribe',
      iat,
    })
    expect(await claims(await tokens.createLinkToken('confirm-follow', { sup, act }))).toEqual({
      sup,
      act,
      pur: 'confirm-follow',
      iat,
      exp: iat + 7 * 24 * 3600,
    })
    expect(await claims(await tokens.createLinkToken('my-data', { sup }))).toEqual({
      sup,
      pur: 'my-data',
      iat,
      exp: iat + 24 * 3600,
    })
    // Signed with another key, it does not verify.
    await expect(
      jwtVerify(await tokens.createLinkToken('my-data', { sup }), derivedKey('ip-hash')),
    ).rejects.toThrow()
  })

  test('links already emailed, signed by jose before, keep working', async () => {
    const joseToken = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt()
    const unsubscribe = await joseToken({ sup, act, pur: 'unsubscribe' }).sign(derivedKey('links'))
    expect(await tokens.verifyLinkToken('unsubscribe', unsubscribe)).toEqual({
      ok: true,
      payload: { sup, act },
    })
    const confirm = await joseToken({ sup, act, pur: 'confirm-follow' })
      .setExpirationTime('7d')
      .sign(derivedKey('links'))
    expect(await tokens.verifyLinkToken('confirm-follow', confirm)).toEqual({
      ok: true,
      payload: { sup, act },
    })
    const expired = await joseToken({ sup, pur: 'my-data' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(derivedKey('links'))
    expect(await tokens.verifyLinkToken('my-data', expired)).toEqual({
      ok: false,
      problem: 'expired',
    })
  })

  test('an unsigned token or another algorithm is refused', async () => {
    const body = Buffer.from(JSON.stringify({ sup, act, pur: 'unsubscribe' })).toString('base64url')
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`
    expect(await tokens.verifyLinkToken('unsubscribe', none)).toEqual({
      ok: false,
      problem: 'invalid',
    })
    const hs512 = await new SignJWT({ sup, act, pur: 'unsubscribe' })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(derivedKey('links'))
    expect(await tokens.verifyLinkToken('unsubscribe', hs512)).toEqual({
      ok: false,
      problem: 'invalid',
    })
  })

  test('a token opens only the link it was made for', async () => {
    const token = await tokens.createLinkToken('unsubscribe', { sup, act })
    expect(await tokens.verifyLinkToken('unsubscribe', token)).toEqual({
      ok: true,
      payload: { sup, act },
    })
    expect(await tokens.verifyLinkToken('confirm-follow', token)).toEqual({
      ok: false,
      problem: 'invalid',
    })
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`
    expect(await tokens.verifyLinkToken('unsubscribe', tampered)).toEqual({
      ok: false,
      problem: 'invalid',
    })
  })

  test('a confirmation link expires after seven days; an unsubscribe link never does', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] })
    const confirm = await tokens.createLinkToken('confirm-follow', { sup, act })
    const unsubscribe = await tokens.createLinkToken('unsubscribe', { sup, act })
    vi.setSystemTime(new Date('2026-01-07T23:59:00Z'))
    expect((await tokens.verifyLinkToken('confirm-follow', confirm)).ok).toBe(true)
    vi.setSystemTime(new Date('2026-01-08T00:01:00Z'))
    expect(await tokens.verifyLinkToken('confirm-follow', confirm)).toEqual({
      ok: false,
      problem: 'expired',
    })
    vi.setSystemTime(new Date('2036-01-01T00:00:00Z'))
    expect((await tokens.verifyLinkToken('unsubscribe', unsubscribe)).ok).toBe(true)
  })
})
