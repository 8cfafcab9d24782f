// Remix writes a streamed response body (exports, printable letters) to the Node response with
// writeReadableStreamToWritable. Upstream ignored the response's backpressure, so a million-row
// export was read from the database as fast as it came and piled up in memory in front of a slow
// client; patches/@remix-run+node+*.patch makes it wait for 'drain' (as react-router later did).
// These fail without the patch.
import { Writable } from 'node:stream'
import { writeReadableStreamToWritable } from '@remix-run/node'
import { describe, expect, test } from 'vitest'

function slowWritable(highWaterMark: number) {
  let peak = 0
  const writable = new Writable({
    highWaterMark,
    write(_chunk, _encoding, callback) {
      setTimeout(callback, 2)
    },
  })
  // What waits in the writable's buffer, measured as each chunk is handed over.
  const write = writable.write.bind(writable) as (chunk: Uint8Array) => boolean
  writable.write = ((chunk: Uint8Array) => {
    const accepted = write(chunk)
    peak = Math.max(peak, writable.writableLength)
    return accepted
  }) as typeof writable.write
  return { writable, peak: () => peak }
}

describe('a streamed response body and a slow client', () => {
  test('is read no faster than the client takes it', async () => {
    let pulled = 0
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled++ === 100) controller.close()
        else controller.enqueue(new Uint8Array(8))
      },
    })
    const { writable, peak } = slowWritable(16)

    await writeReadableStreamToWritable(source, writable)

    // Without waiting for 'drain', all 800 bytes sit in the buffer at once.
    expect(peak()).toBeLessThanOrEqual(16 + 8)
  })

  test('stops reading the source when the client goes away', async () => {
    let cancelled = false
    let pulled = 0
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Long enough that a client leaving after 20 ms sees only a small part of it.
        if (pulled++ === 5000) controller.close()
        else controller.enqueue(new Uint8Array(8))
      },
      cancel() {
        cancelled = true
      },
    })
    const { writable } = slowWritable(16)
    setTimeout(() => writable.destroy(), 20)

    // A client leaving is not an error: the write ends quietly.
    await writeReadableStreamToWritable(source, writable)

    expect(cancelled).toBe(true)
    expect(pulled).toBeLessThan(1000)
  })
})
