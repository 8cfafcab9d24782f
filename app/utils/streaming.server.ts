// Response bodies written as they are produced (exports, printable letters): a database cursor
// feeds them, so memory stays flat however many rows an action has.
import { Transform, pipeline, type Readable } from 'node:stream'
import { createReadableStreamFromReadable } from '@remix-run/node'

/**
 * Gathers an encoder's many small pieces (one per row) into chunks of about 64 KiB, so the
 * response is written in a few hundred writes rather than one per row.
 */
function coalesce(size = 64 * 1024) {
  let pending: Buffer[] = []
  let length = 0
  return new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      pending.push(buffer)
      length += buffer.byteLength
      if (length < size) return callback()
      const out = Buffer.concat(pending, length)
      pending = []
      length = 0
      callback(null, out)
    },
    flush(callback) {
      callback(null, length > 0 ? Buffer.concat(pending, length) : undefined)
    },
  })
}

/**
 * A response body from a source and its encoders. pipeline() keeps backpressure end to end (the
 * cursor fetches only when the client reads) and destroys every stage, closing the cursor, if the
 * client goes away mid-download.
 */
export function streamedBody(stages: [Readable, ...Transform[]], what: string) {
  const out = coalesce()
  pipeline([...stages, out], (error) => {
    if (error && error.name !== 'AbortError' && error.message !== 'Premature close') {
      console.error(`${what} failed`, error)
    }
  })
  return createReadableStreamFromReadable(out)
}
