// Configuration is read once, validated with zod, and fails start-up with one clear line per
// bad or missing value, so a misconfigured deploy never half-works.
import fs from 'node:fs'
import { z } from 'zod'

const url = (protocols: string[], example: string) =>
  z
    .string({ error: `is required (for example ${example})` })
    .trim()
    .min(1, `is required (for example ${example})`)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol)
        } catch {
          return false
        }
      },
      { message: `must be a ${protocols.join(' or ')} URL (for example ${example})` },
    )

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/vigil'),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  // A prefix for every Redis key, so several environments (or test files) can share one Redis.
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .default('vigil'),
  SMTP_URL: url(['smtp:', 'smtps:'], 'smtp://user:password@smtp.example.org:587'),
  MAIL_FROM: z
    .string({ error: 'is required (for example "Vigil <no-reply@vigil.example.org>")' })
    .trim()
    .regex(
      /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/,
      'must be an address, optionally with a name: "Vigil <no-reply@vigil.example.org>"',
    ),
  APP_URL: url(['http:', 'https:'], 'https://vigil.example.org').transform((value) =>
    value.replace(/\/+$/, ''),
  ),
  SESSION_SECRET: z
    .string({ error: 'is required: at least 32 random characters' })
    .min(32, 'must be at least 32 characters long'),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(3000),
  // How often the worker scans the outbox when no notification arrives, in milliseconds.
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  // How long a row may stay "sending" before the reconciler assumes its worker died.
  OUTBOX_CLAIM_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  // How long an enqueued row may wait before the reconciler assumes Redis lost its job.
  OUTBOX_REQUEUE_AFTER_MS: z.coerce.number().int().min(1000).default(300_000),
  // Worker processes `npm run worker` runs (one per core, say): each sends on a thread of its own.
  WORKER_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  // Emails a worker process sends at once, of each kind: queued (a BullMQ job each) and bulk (updates).
  EMAIL_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  // Tries per email before it is shown as failed in the console (where staff can retry it), and
  // the delay before the first retry, doubling after each: by default about 8.5 minutes in all.
  EMAIL_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(9),
  EMAIL_BACKOFF_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  // How often the worker closes actions whose deadline has passed, in milliseconds (tests
  // shorten it; the first check runs as soon as a worker starts).
  DEADLINE_CHECK_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  // Abuse limits on signing, per client IP (hashed) and per address, each in a fixed window.
  RATE_LIMIT_SIGN_PER_IP: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_SIGN_PER_EMAIL: z.coerce.number().int().min(1).default(10),
  // How long a signature may wait to be written before its signer is asked to try again (the
  // form comes back filled in). Above the signing transaction's 5 s lock timeout.
  SIGN_WRITE_DEADLINE_MS: z.coerce.number().int().min(100).default(6000),
  // How long each web process may serve a public page (home, list, action) from memory to
  // visitors without cookies; 0 turns it off. Unset: 2 seconds, or off under `npm run dev`.
  PAGE_CACHE_SECONDS: z.coerce.number().min(0).max(60).optional(),
  // Behind a reverse proxy: how many proxy hops to trust for the client IP ("1"), "true", or the
  // proxies' addresses and subnets ("loopback, 10.0.0.0/8"). A hop count must reach Express as a
  // number: the string "1" would be read as an address, and every client would share the proxy's.
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value) => {
      if (!value) return undefined
      if (/^\d+$/.test(value)) return Number(value)
      if (value === 'true' || value === 'false') return value === 'true'
      return value
    }),
  // Exports (signatures, printable letters) each read on a connection of their own: how many may
  // run at once across every web process; how long one may go without its client taking anything,
  // and how long one may run in all, before it is ended (the download then fails).
  EXPORT_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
  EXPORT_STALL_SECONDS: z.coerce.number().min(1).max(3600).default(120),
  EXPORT_TIME_LIMIT_SECONDS: z.coerce.number().min(1).max(86_400).default(3600),
  // Where uploaded photos are kept (re-encoded, under random names).
  UPLOAD_DIR: z.string().default('.data/uploads'),
  // Delivery engine: letters per authority address per window (individual mode), the window,
  // and the digest period length overrides (seconds; tests shorten them).
  LETTER_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  DIGEST_PERIOD_SECONDS: z.coerce.number().int().min(1).optional(),
  UPDATE_FANOUT_BATCH: z.coerce.number().int().min(1).max(10_000).default(1000),
  // Optional DKIM signing of every message.
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  // Shared secret for the email provider's bounce/complaint webhook (Authorization: Bearer …).
  EMAIL_WEBHOOK_SECRET: z.string().min(24).optional(),
  // Only set by `npm run dev`: where the local mail catcher keeps what it received.
  DEV_MAIL_DIR: z.string().optional(),
})

export type Env = z.infer<typeof EnvSchema>

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`)
    this.name = 'EnvError'
  }
}

/** Validates a set of variables; one problem line per bad or missing value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return reportProblems(EnvSchema.safeParse(source))
}

/** For tools that need only part of the configuration (`db:migrate` needs only DATABASE_URL). */
export function parseEnvKeys<K extends keyof Env>(
  source: Record<string, string | undefined>,
  keys: K[],
): Pick<Env, K> {
  const mask = Object.fromEntries(keys.map((key) => [key, true])) as Partial<
    Record<keyof Env, true>
  >
  return reportProblems(EnvSchema.pick(mask).safeParse(source)) as unknown as Pick<Env, K>
}

function reportProblems<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`,
  )
  throw new EnvError(problems)
}

let cached: Env | undefined

/** Fills unset variables from a `.env` file in the working directory, if there is one. */
export function loadDotEnv() {
  if (fs.existsSync('.env')) process.loadEnvFile('.env')
}

/** The validated configuration of this process, read once. */
export function getEnv(): Env {
  if (cached) return cached
  loadDotEnv()
  cached = parseEnv(process.env)
  return cached
}

/** Validates at boot and exits with a readable message instead of a stack trace. */
export function initEnv<T = Env>(read: () => T = getEnv as () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
}
