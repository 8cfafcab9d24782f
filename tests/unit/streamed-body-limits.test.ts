// An export holds a database connection, a snapshot and an export slot for as long as its body
// streams, so streamedBody ends a body whose client stopped taking it, or which runs past its
// time limit; a client that is slow but reading, or a database slow to start, is left alone.
import { Readable } from 'node:stream'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { StreamLimitError, streamedBody, type StreamLimits } from '#app/utils/streaming.server.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A source of 64 KiB chunks that never ends by itself, as a million-row export nearly is. */
function endlessSource({ firstAfterMs = 0 } = {}) {
  const startedAt = Date.now()
  return new Readable({
    read() {
      const wait = Math.max(0, startedAt + firstAfterMs - Date.now())
      setTimeout(() => this.push(Buffer.alloc(64 * 1024, 120)), wait)
    },
  })
}

function bodyOf(source: Readable, limits: StreamLimits) {
  return streamedBody([source], 'test export', { limits }).getReader()
}

const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
afterEach(() => warned.mockClear())

describe('a streamed body within its limits', () => {
  test('is ended once its client has taken nothing for the stall limit, and so is its source', async () => {
    const source = endlessSource()
    const reader = bodyOf(source, { stallMs: 300, timeLimitMs: 60_000 })
    await reader.read()
    await sleep(1000)

    // The chunks already queued for the client come first; then the end it never gets.
    const failure = await (async () => {
      for (;;) await reader.read()
    })().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(StreamLimitError)
    expect((failure as Error).message).toBe('its client took nothing for 0.3 s')
    expect(source.destroyed).toBe(true)
    expect(warned).toHaveBeenCalledWith('test export ended: its client took nothing for 0.3 s')
  })

  test('goes on for a client slow but still reading', async () => {
    const source = endlessSource()
    const reader = bodyOf(source, { stallMs: 1000, timeLimitMs: 60_000 })
    // A chunk every 150 ms for 3 s: three stall limits, never one without reading.
    for (let i = 0; i < 20; i++) {
      const { done, value } = await reader.read()
      expect(done).toBe(false)
      expect(value!.byteLength).toBeGreaterThan(0)
      await sleep(150)
    }
    expect(source.destroyed).toBe(false)
    await reader.cancel()
    expect(warned).not.toHaveBeenCalled()
  })

  test('waits for a database slow to give its first rows: that is no stall', async () => {
    const source = endlessSource({ firstAfterMs: 1000 })
    const reader = bodyOf(source, { stallMs: 200, timeLimitMs: 60_000 })
    const { done, value } = await reader.read()
    expect(done).toBe(false)
    expect(value!.byteLength).toBeGreaterThan(0)
    await reader.cancel()
    expect(warned).not.toHaveBeenCalled()
  })

  test('is ended at its time limit however steadily its client reads', async () => {
    const source = endlessSource()
    const reader = bodyOf(source, { stallMs: 60_000, timeLimitMs: 600 })
    const startedAt = Date.now()
    const failure = await (async () => {
      for (;;) {
        await reader.read()
        await sleep(20)
      }
    })().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(StreamLimitError)
    expect((failure as Error).message).toBe('still running after its limit of 0.6 s')
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(600)
    expect(source.destroyed).toBe(true)
  })
})
