// Reads what the platform sent, from the mail catcher the serve script started.
import fs from 'node:fs/promises'
import path from 'node:path'
import { simpleParser, type ParsedMail } from 'mailparser'
import postgres from 'postgres'
import { readE2EState } from './state.ts'

export type ReceivedMail = ParsedMail & {
  file: string
  headerValue: (name: string) => string | undefined
}

export async function mailTo(address: string): Promise<ReceivedMail[]> {
  const { mailDir } = readE2EState()
  const files = (await fs.readdir(mailDir)).filter((f) => f.endsWith('.eml')).sort()
  const all: ReceivedMail[] = []
  for (const file of files) {
    const parsed = await simpleParser(await fs.readFile(path.join(mailDir, file)))
    const to = [parsed.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address?.toLowerCase()))
    if (!to.includes(address.toLowerCase())) continue
    all.push(
      Object.assign(parsed, {
        file,
        headerValue: (name: string) => {
          const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())
          return line?.line
            .slice(line.line.indexOf(':') + 1)
            .replace(/\r?\n\s+/g, ' ')
            .trim()
        },
      }),
    )
  }
  return all
}

/** Waits for the nth email to an address (1-based) and returns it. */
export async function waitForMail(
  address: string,
  {
    count = 1,
    timeoutMs = 20_000,
    subject,
  }: { count?: number; timeoutMs?: number; subject?: RegExp } = {},
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const mails = (await mailTo(address)).filter((m) => !subject || subject.test(m.subject ?? ''))
    if (mails.length >= count) return mails[count - 1]!
    if (Date.now() > deadline)
      throw new Error(`No email #${count} to ${address} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The first link in an email's plain text that starts with the given path. */
export function linkIn(mail: ParsedMail, pathPrefix: string) {
  const match = mail.text?.match(new RegExp(`https?://[^\\s\\]]+${pathPrefix}[^\\s\\]]*`))
  if (!match) throw new Error(`No ${pathPrefix} link in email "${mail.subject}":\n${mail.text}`)
  return match[0]
}

export async function withDatabase<T>(fn: (sql: postgres.Sql) => Promise<T>) {
  const sql = postgres(readE2EState().databaseUrl, { max: 1, onnotice: () => {} })
  try {
    return await fn(sql)
  } finally {
    await sql.end()
  }
}
