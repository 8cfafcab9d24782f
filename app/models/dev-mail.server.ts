// Reads the development mail catcher's folder. Only available when `npm run dev` set DEV_MAIL_DIR.
import fs from 'node:fs/promises'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import { getEnv } from '#app/utils/env.server.ts'

const ID_PATTERN = /^[0-9]+-[0-9]+-[0-9]+$/

export function devMailDir() {
  const env = getEnv()
  return env.NODE_ENV === 'development' ? env.DEV_MAIL_DIR : undefined
}

export async function listDevMail(dir: string) {
  const names = (await fs.readdir(dir).catch(() => [] as string[]))
    .filter((name) => name.endsWith('.eml'))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    .slice(0, 200)
  return Promise.all(
    names.map(async (name) => {
      const parsed = await simpleParser(await fs.readFile(path.join(dir, name)))
      return {
        id: name.replace(/\.eml$/, ''),
        subject: parsed.subject ?? '',
        to: parsed.to
          ? [parsed.to]
              .flat()
              .map((a) => a.text)
              .join(', ')
          : '',
        date: (parsed.date ?? new Date()).toISOString(),
      }
    }),
  )
}

export async function readDevMail(dir: string, id: string) {
  if (!ID_PATTERN.test(id)) return null
  const raw = await fs.readFile(path.join(dir, `${id}.eml`)).catch(() => null)
  if (!raw) return null
  const parsed = await simpleParser(raw)
  return {
    id,
    subject: parsed.subject ?? '',
    from: parsed.from?.text ?? '',
    to: parsed.to
      ? [parsed.to]
          .flat()
          .map((a) => a.text)
          .join(', ')
      : '',
    date: (parsed.date ?? new Date()).toISOString(),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    headers: [...parsed.headerLines].map((line) => line.line),
  }
}
