// Response bodies written as they are produced (exports, printable letters): a database cursor
// or COPY feeds them, so memory stays flat however many rows an action has.
import { Transform, addAbortSignal, pipeline, type Readable } from 'node:stream'
import { createReadableStreamFromReadable } from '@remix-run/node'

/**
 * Gathers an encoder's many small pieces (one per row) into chunks of about 64 KiB, so the
 * response is written in a few hundred writes rather than one per row. Text stays text until a
 * chunk is full: one Buffer per chunk, not one per row as well (each Buffer is memory outside the
 * JavaScript heap that only a garbage collection gives back, and a million rows made a lot).
 */
function coalesce(size = 64 * 1024) {
  let pending: (Buffer | string)[] = []
  let length = 0
  const take = () => {
    const out = pending.every((piece) => typeof piece === 'string')
      ? Buffer.from(pending.join(''))
      : Buffer.concat(
          pending.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)),
        )
    pending = []
    length = 0
    return out
  }
  return new Transform({
    // Strings arrive as strings, not converted to Buffers on the way in.
    decodeStrings: false,
    transform(chunk: Buffer | string, _encoding, callback) {
      pending.push(chunk)
      // Characters for text: close enough to bytes for sizing a chunk.
      length += chunk.length
      if (length < size) return callback()
      callback(null, take())
    },
    flush(callback) {
      callback(null, length > 0 ? take() : undefined)
    },
  })
}

/**
 * A response body from a source and its encoders. pipeline() keeps backpressure end to end (the
 * database is read only as fast as the client reads) and destroys every stage if the client goes
 * away mid-download: a cursor is closed, a COPY cancelled (see copyOut). `signal` is the
 * request's: a client gone before the body was read at all gets the same (Remix then drops the
 * response without cancelling its body, which would leave the query and its connection waiting
 * for good).
 */
export function streamedBody(
  stages: [Readable, ...Transform[]],
  what: string,
  signal?: AbortSignal,
) {
  const out = coalesce()
  if (signal) addAbortSignal(signal, out)
  pipeline([...stages, out], (error) => {
    if (error && error.name !== 'AbortError' && error.message !== 'Premature close') {
      console.error(`${what} failed`, error)
    }
  })
  return createReadableStreamFromReadable(out)
}

/** A stage that passes on what it is given, `first` before it (a CSV's header before its rows). */
export function startingWith(first: Buffer) {
  let started = false
  const start = (stage: Transform) => {
    if (!started) stage.push(first)
    started = true
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      start(this)
      callback(null, chunk)
    },
    flush(callback) {
      start(this)
      callback()
    },
  })
}
