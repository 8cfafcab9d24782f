import { afterEach, describe, expect, test, vi } from 'vitest'
import { createCoalescer } from '#jobs/coalescer.ts'

/** A run that records its batches and answers when told to. */
function recordingRun() {
  const batches: number[][] = []
  const pending: (() => void)[] = []
  const run = (items: number[]) => {
    batches.push(items)
    return new Promise<string[]>((resolve) =>
      pending.push(() => resolve(items.map((item) => `done ${item}`))),
    )
  }
  const answerNext = async () => {
    pending.shift()!()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { run, batches, answerNext }
}

describe('coalescer', () => {
  test('a call made while nothing runs goes at once, alone', async () => {
    const { run, batches, answerNext } = recordingRun()
    const call = createCoalescer(run)
    const answer = call(1)
    expect(batches).toEqual([[1]])
    await answerNext()
    expect(await answer).toBe('done 1')
  })

  test('calls made while a batch runs go together in the next, each with its own result', async () => {
    const { run, batches, answerNext } = recordingRun()
    const call = createCoalescer(run)
    const answers = [1, 2, 3, 4].map(call)
    expect(batches).toEqual([[1]])
    await answerNext()
    expect(batches).toEqual([[1], [2, 3, 4]])
    await answerNext()
    expect(await Promise.all(answers)).toEqual(['done 1', 'done 2', 'done 3', 'done 4'])
  })

  test('batches stay within their size, and several may run at once', async () => {
    const { run, batches, answerNext } = recordingRun()
    const call = createCoalescer(run, { maxBatch: 2, maxInFlight: 2 })
    const answers = [1, 2, 3, 4, 5, 6].map(call)
    expect(batches).toEqual([[1], [2]])
    await answerNext()
    expect(batches).toEqual([[1], [2], [3, 4]])
    for (let i = 0; i < 3; i++) await answerNext()
    expect(batches).toEqual([[1], [2], [3, 4], [5, 6]])
    expect(await Promise.all(answers)).toHaveLength(6)
  })

  test('a failed batch fails its own callers only, and the next batch still goes', async () => {
    let runs = 0
    const call = createCoalescer(async (items: number[]) => {
      runs++
      if (runs === 2) throw new Error('database went away')
      return items.map((item) => item * 10)
    })
    const first = call(1)
    const [second, third] = [call(2), call(3)]
    expect(await first).toBe(10)
    await expect(second).rejects.toThrow('database went away')
    await expect(third).rejects.toThrow('database went away')
    expect(await call(4)).toBe(40)
  })

  test('a run that answers the wrong number of items fails its callers instead of mixing them up', async () => {
    const call = createCoalescer(async (items: number[]) => items.slice(1))
    await expect(call(1)).rejects.toThrow('0 results for 1 items')
  })
})

describe('coalescer gathering a batch', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('a batch goes as soon as it has its least number of items', () => {
    const { run, batches } = recordingRun()
    const call = createCoalescer(run, { gather: { minBatch: 3, maxWaitMs: 5 } })
    void [1, 2, 3].map(call)
    expect(batches).toEqual([[1, 2, 3]])
  })

  test('fewer items wait for company, but no longer than the wait allowed from the first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { run, batches } = recordingRun()
    const call = createCoalescer(run, { gather: { minBatch: 3, maxWaitMs: 5 } })
    void call(1)
    await vi.advanceTimersByTimeAsync(4)
    void call(2)
    expect(batches).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(batches).toEqual([[1, 2]])
  })

  test('items that waited their time while a batch ran go when it ends, without waiting again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { run, batches, answerNext } = recordingRun()
    const call = createCoalescer(run, { gather: { minBatch: 3, maxWaitMs: 5 } })
    void [1, 2, 3].map(call)
    void call(4)
    await vi.advanceTimersByTimeAsync(10)
    expect(batches).toEqual([[1, 2, 3]])
    await answerNext()
    expect(batches).toEqual([[1, 2, 3], [4]])
    // Gathering starts afresh for later items.
    void call(5)
    expect(batches).toEqual([[1, 2, 3], [4]])
  })

  test('a batch that filled up stops its wait: a later item waits the whole time again, and each gets its own result', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { run, batches, answerNext } = recordingRun()
    const call = createCoalescer(run, { gather: { minBatch: 3, maxWaitMs: 5 } })
    const first = call(1)
    await vi.advanceTimersByTimeAsync(3)
    const rest = [call(2), call(3)]
    expect(batches).toEqual([[1, 2, 3]])
    await answerNext()
    const fourth = call(4)
    await vi.advanceTimersByTimeAsync(2)
    expect(batches).toEqual([[1, 2, 3]])
    await vi.advanceTimersByTimeAsync(3)
    expect(batches).toEqual([[1, 2, 3], [4]])
    await answerNext()
    expect(await Promise.all([first, ...rest, fourth])).toEqual([
      'done 1',
      'done 2',
      'done 3',
      'done 4',
    ])
  })
})
