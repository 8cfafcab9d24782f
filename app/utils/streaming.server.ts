// Response bodies written as they are produced (exports, printable letters): a database cursor
// or COPY feeds them, so memory stays flat however many rows an action has.
import { Transform, addAbortSignal, pipeline, type Readable } from 'node:stream'
import { createReadableStreamFromReadable } from '@remix-run/node'
import { getEnv } from './env.server.ts'

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
 * How long a streamed body may run: an export holds a connection, a PostgreSQL snapshot (which
 * keeps vacuum from clearing what changed since) and one of the export slots for as long as it
 * runs, so neither a client that stopped reading nor one too slow to finish may hold them for good.
 */
export type StreamLimits = {
  /** The longest the client may take nothing while the body has bytes waiting for it. */
  stallMs: number
  /**
   * The longest the body may take to be read from the database (what a slow client has yet to
   * take once every byte is in the body holds no connection, and has no limit).
   */
  timeLimitMs: number
}

/** An export's limits: its stream's, and how many exports may run at once. */
export type ExportLimits = StreamLimits & { concurrency: number }

/** The configured export limits (EXPORT_CONCURRENCY, EXPORT_STALL_SECONDS, EXPORT_TIME_LIMIT_SECONDS). */
export function configuredExportLimits(): ExportLimits {
  const env = getEnv()
  return {
    concurrency: env.EXPORT_CONCURRENCY,
    stallMs: env.EXPORT_STALL_SECONDS * 1000,
    timeLimitMs: env.EXPORT_TIME_LIMIT_SECONDS * 1000,
  }
}

/** A streamed body ended by its limits: the client's download fails (it never gets the end). */
export class StreamLimitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StreamLimitError'
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`

/**
 * Ends `out` once it outruns its limits. A stall counts only while the body is held back by its
 * reader (the response stream paused with bytes waiting), never while the database is still
 * working towards its first rows.
 */
function enforceLimits(out: Transform, { stallMs, timeLimitMs }: StreamLimits) {
  const started = Date.now()
  let lastTaken = started
  // The response stream is already flowing (or paused by it): listening changes neither.
  out.on('data', () => {
    lastTaken = Date.now()
  })
  const check = () => {
    const now = Date.now()
    if (now - started >= timeLimitMs) {
      out.destroy(new StreamLimitError(`still running after its limit of ${seconds(timeLimitMs)}`))
    } else if (out.isPaused() && out.readableLength > 0 && now - lastTaken >= stallMs) {
      out.destroy(new StreamLimitError(`its client took nothing for ${seconds(stallMs)}`))
    }
  }
  const timer = setInterval(check, Math.max(50, Math.min(stallMs, timeLimitMs, 10_000) / 4))
  timer.unref()
  // Once every byte is in `out`, the database's part is over (its connection, snapshot and slot
  // given back): a client slow with the last of it holds nothing worth ending it for.
  out.once('finish', () => clearInterval(timer))
  out.once('close', () => clearInterval(timer))
}

/**
 * A response body from a source and its encoders. pipeline() keeps backpressure end to end (the
 * database is read only as fast as the client reads) and destroys every stage if the client goes
 * away mid-download: a cursor is closed, a COPY cancelled (see copyOut). `signal` is the
 * request's: a client gone before the body was read at all gets the same (Remix then drops the
 * response without cancelling its body, which would leave the query and its connection waiting
 * for good). `limits` end a body whose client stalls or takes too long, the same way.
 */
export function streamedBody(
  stages: [Readable, ...Transform[]],
  what: string,
  { signal, limits }: { signal?: AbortSignal; limits?: StreamLimits } = {},
) {
  const out = coalesce()
  if (signal) addAbortSignal(signal, out)
  pipeline([...stages, out], (error) => {
    if (!error || error.name === 'AbortError' || error.message === 'Premature close') return
    if (error instanceof StreamLimitError) console.warn(`${what} ended: ${error.message}`)
    else console.error(`${what} failed`, error)
  })
  const body = createReadableStreamFromReadable(out)
  if (limits) enforceLimits(out, limits)
  return body
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
