// A local SMTP sink for the harnesses. It accepts everything and counts messages by their
// X-Vigil-Message-Id header (the outbox row id), read from the header block only: parsing whole
// messages would make the sink, not the platform, the bottleneck. The same id twice is a
// duplicate delivery. It can be told to refuse (421) for a while, as a real relay does.
import { SMTPServer } from 'smtp-server'

const HEADER_LIMIT = 64 * 1024
const ID_HEADER = /^x-vigil-message-id:[ \t]*([^\s]+)/im

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>

export async function startSmtpSink({ port }: { port: number }) {
  const received = new Map<string, number>()
  let accepted = 0
  let withoutId = 0
  let refused = 0
  let refusing = false
  let lastAcceptedAt = 0

  const refusal = () =>
    Object.assign(new Error('Service temporarily unavailable'), { responseCode: 421 })

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    maxClients: 1000,
    // The platform's pooled transport keeps connections open; never time them out under us.
    socketTimeout: 5 * 60_000,
    onConnect(_session, callback) {
      if (refusing) {
        refused++
        return callback(refusal())
      }
      callback()
    },
    onMailFrom(_address, _session, callback) {
      if (refusing) {
        refused++
        return callback(refusal())
      }
      callback()
    },
    onData(stream, _session, callback) {
      let head = ''
      let headDone = false
      stream.on('data', (chunk: Buffer) => {
        if (headDone) return
        head += chunk.toString('latin1')
        const end = head.indexOf('\r\n\r\n')
        if (end >= 0) {
          head = head.slice(0, end)
          headDone = true
        } else if (head.length > HEADER_LIMIT) {
          headDone = true
        }
      })
      stream.on('end', () => {
        // A refusal that starts mid-message refuses the message, as a relay shutting down would.
        if (refusing) {
          refused++
          return callback(refusal())
        }
        const id = ID_HEADER.exec(head)?.[1]
        if (id) received.set(id, (received.get(id) ?? 0) + 1)
        else withoutId++
        accepted++
        lastAcceptedAt = Date.now()
        callback()
      })
    },
  })
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    /** Messages accepted (with duplicates). */
    accepted: () => accepted,
    /** Distinct message ids accepted. */
    distinct: () => received.size,
    /** Deliveries beyond the first of each message id. */
    duplicates: () => accepted - withoutId - received.size,
    /** Commands refused with 421 while refusing. */
    refused: () => refused,
    lastAcceptedAt: () => lastAcceptedAt,
    has: (id: string) => received.has(id),
    setRefusing(on: boolean) {
      refusing = on
    },
    /** The counters now, for a scenario to count what arrived after it started. */
    snapshot: () => ({
      accepted,
      distinct: received.size,
      duplicates: accepted - withoutId - received.size,
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
