// A real SMTP server for tests: captures what the platform sends, and can be told to answer
// with failures (421 for a while, 550 for one address) the way real servers do.
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer, type SMTPServerAddress } from 'smtp-server'
import { freePort, waitFor } from './ports.ts'

export type CapturedMail = ParsedMail & { envelopeTo: string[]; raw: string; receivedAt: number }
type Rejection = { code: number; message: string } | undefined

/** Listens on a free port, or on `port` (a test that first let connections to it be refused). */
export async function startSmtpCapture({ port: chosenPort }: { port?: number } = {}) {
  const port = chosenPort ?? (await freePort())
  const messages: CapturedMail[] = []
  let rejectRecipient: (address: string) => Rejection = () => undefined
  let rejectData: () => Rejection = () => undefined
  let dataDelayMs = 0
  let dataStarted = 0

  const smtpError = ({ code, message }: { code: number; message: string }) =>
    Object.assign(new Error(message), { responseCode: code })

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const rejection = rejectRecipient(address.address)
      callback(rejection ? smtpError(rejection) : undefined)
    },
    onData(stream, session, callback) {
      dataStarted++
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', async () => {
        if (dataDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, dataDelayMs))
        const rejection = rejectData()
        if (rejection) return callback(smtpError(rejection))
        const receivedAt = Date.now()
        const raw = Buffer.concat(chunks).toString('utf8')
        const parsed = await simpleParser(raw)
        messages.push(
          Object.assign(parsed, {
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            receivedAt,
          }),
        )
        callback()
      })
    },
  })
  // A client that dies mid-conversation (a worker killed on purpose) resets its socket: expected.
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Answer RCPT TO for matching addresses with this error (e.g. 550), others normally. */
    rejectRecipients(fn: (address: string) => Rejection) {
      rejectRecipient = fn
    },
    /** Answer every DATA with this error while it returns one (e.g. 421 for a while). */
    rejectData(fn: () => Rejection) {
      rejectData = fn
    },
    /** Hold every DATA answer this long, as a slow server does. */
    delayData(ms: number) {
      dataDelayMs = ms
    },
    /** How many messages have started arriving (whether or not they were accepted). */
    dataStarted: () => dataStarted,
    waitForCount(count: number, timeoutMs = 30_000) {
      return waitFor(() => messages.length >= count, {
        timeoutMs,
        what: `${count} emails (have ${messages.length})`,
      })
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type SmtpCapture = Awaited<ReturnType<typeof startSmtpCapture>>

/** A header exactly as sent (unfolded), since mailparser regroups some (List-*) headers. */
export function rawHeader(mail: CapturedMail, name: string) {
  const line = mail.headerLines.find((header) => header.key === name.toLowerCase())
  return line?.line
    .slice(line.line.indexOf(':') + 1)
    .replace(/\r?\n\s+/g, ' ')
    .trim()
}
