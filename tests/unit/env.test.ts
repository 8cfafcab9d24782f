import { describe, expect, test } from 'vitest'
import { EnvError, parseEnv, parseEnvKeys } from '#app/utils/env.server.ts'

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/vigil',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Vigil <no-reply@vigil.example.org>',
  APP_URL: 'https://vigil.example.org/',
  SESSION_SECRET: 'a'.repeat(32),
  PORT: '3000',
}

function problems(source: Record<string, string | undefined>) {
  try {
    parseEnv(source)
  } catch (error) {
    if (error instanceof EnvError) return error.problems
    throw error
  }
  return []
}

describe('configuration', () => {
  test('a complete configuration is accepted, with defaults filled and the base URL normalised', () => {
    const env = parseEnv(valid)
    expect(env.APP_URL).toBe('https://vigil.example.org')
    expect(env.PORT).toBe(3000)
    expect(env.REDIS_PREFIX).toBe('vigil')
  })

  test('every missing value is named on a line of its own', () => {
    expect(problems({})).toEqual([
      'DATABASE_URL is required (for example postgres://postgres@127.0.0.1:5432/vigil)',
      'REDIS_URL is required (for example redis://127.0.0.1:6379)',
      'SMTP_URL is required (for example smtp://user:password@smtp.example.org:587)',
      'MAIL_FROM is required (for example "Vigil <no-reply@vigil.example.org>")',
      'APP_URL is required (for example https://vigil.example.org)',
      'SESSION_SECRET is required: at least 32 random characters',
    ])
  })

  test('bad values say what is wrong with each', () => {
    expect(
      problems({
        ...valid,
        DATABASE_URL: 'mysql://localhost/vigil',
        APP_URL: 'vigil.example.org',
        SESSION_SECRET: 'short',
        PORT: '70000',
        MAIL_FROM: 'not an address',
      }),
    ).toEqual([
      'DATABASE_URL must be a postgres: or postgresql: URL (for example postgres://postgres@127.0.0.1:5432/vigil)',
      'MAIL_FROM must be an address, optionally with a name: "Vigil <no-reply@vigil.example.org>"',
      'APP_URL must be a http: or https: URL (for example https://vigil.example.org)',
      'SESSION_SECRET must be at least 32 characters long',
      'PORT must be between 1 and 65535',
    ])
  })

  test('tools that need one value check only that value', () => {
    expect(parseEnvKeys({ DATABASE_URL: valid.DATABASE_URL }, ['DATABASE_URL'])).toEqual({
      DATABASE_URL: valid.DATABASE_URL,
    })
    expect(() => parseEnvKeys({}, ['DATABASE_URL'])).toThrow(/DATABASE_URL is required/)
  })

  test('TRUST_PROXY as a hop count becomes a number, which Express reads as hops, not as an address', () => {
    expect(parseEnv({ ...valid, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1)
    expect(parseEnv({ ...valid, TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true)
    expect(parseEnv({ ...valid, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe(
      'loopback, 10.0.0.0/8',
    )
    expect(parseEnv(valid).TRUST_PROXY).toBeUndefined()
  })
})
