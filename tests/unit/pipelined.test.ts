import { describe, expect, test } from 'vitest'
import { allPipelined } from '#db/pipelined.ts'

/** An error as Drizzle gives it: the driver's error, with its code, as the cause. */
function drizzleError(code: string, message: string) {
  return Object.assign(new Error(`Failed query: ${message}`), { cause: { code, message } })
}

const later = <T>(ms: number, settle: () => T) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(settle())
      } catch (error) {
        reject(error)
      }
    }, ms),
  )

describe('statements sent together in a transaction', () => {
  test('give their results in order', async () => {
    expect(await allPipelined([Promise.resolve(1), later(5, () => 'two'), null])).toEqual([
      1,
      'two',
      null,
    ])
  })

  test('throw the statement that failed, not one refused after it as the transaction was aborted', async () => {
    const aborted = drizzleError('25P02', 'current transaction is aborted')
    const failed = drizzleError('23505', 'duplicate key')
    await expect(
      allPipelined([
        Promise.resolve(1),
        Promise.reject(aborted),
        Promise.reject(failed),
        Promise.reject(Object.assign(new Error('aborted too'), { code: '25P02' })),
      ]),
    ).rejects.toBe(failed)
  })

  test('throw whatever was thrown, even when it is not an error', async () => {
    await expect(allPipelined([Promise.reject(undefined), Promise.resolve(1)])).rejects.toBe(
      undefined,
    )
  })

  test('throw only once every statement has settled, so none runs after the rollback', async () => {
    let lastSettled = false
    const outcome = allPipelined([
      Promise.reject(new Error('first fails')),
      later(20, () => {
        lastSettled = true
      }),
    ])
    await expect(outcome).rejects.toThrow('first fails')
    expect(lastSettled).toBe(true)
  })
})
