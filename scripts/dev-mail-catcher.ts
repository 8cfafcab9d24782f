// A local SMTP server for development: accepts every message and keeps it as an .eml file, which
// the dev-only page /dev/mail shows. Nothing ever leaves the machine.
import fs from 'node:fs'
import path from 'node:path'
import { SMTPServer } from 'smtp-server'

export async function startDevMailCatcher({ dir, port }: { dir: string; port: number }) {
  fs.mkdirSync(dir, { recursive: true })
  let counter = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const file = path.join(dir, `${Date.now()}-${process.pid}-${counter++}.eml`)
      // Written under another name and renamed when whole: readers list *.eml and must never
      // parse a message still arriving (its headers without its body).
      const partial = `${file}.part`
      const out = fs.createWriteStream(partial)
      stream.pipe(out)
      stream.on('error', callback)
      out.on('finish', () => fs.rename(partial, file, (error) => callback(error ?? undefined)))
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
