// `npm run staff:create -- --email ana@example.org --role admin [--name "Ana"]`
// Makes a staff account (the first admin, on a new installation) and prints a one-time link to
// set its password, valid for 24 hours. Needs only DATABASE_URL and APP_URL (from the environment
// or .env). Nothing is emailed: the link is for the person at the terminal.
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { initEnv, loadDotEnv, parseEnvKeys } from '#app/utils/env.server.ts'
import {
  createStaffFromCommandLine,
  PASSWORD_LINK_TTL_MS,
  STAFF_ROLES,
  StaffEmailTakenError,
} from '#app/models/staff.server.ts'
import { closeDb, createDb } from '#db/client.ts'

const USAGE =
  'Usage: npm run staff:create -- --email ana@example.org --role admin|editor|viewer [--name "Ana Ruiz"]'

const ArgsSchema = z.object({
  email: z
    .string({ error: '--email is required (for example --email ana@example.org)' })
    .trim()
    .toLowerCase()
    .max(254, '--email must be 254 characters or fewer')
    .pipe(z.email('--email must be an email address, like ana@example.org')),
  role: z.enum(STAFF_ROLES, { error: `--role must be one of: ${STAFF_ROLES.join(', ')}` }),
  name: z
    .string()
    .trim()
    .min(1, '--name cannot be empty')
    .max(100, '--name must be 100 characters or fewer')
    .regex(/^[^<>\p{Cc}]*$/u, '--name cannot contain < or > or control characters')
    .optional(),
})

function refuse(message: string, exitCode = 1): never {
  console.error(`staff:create: ${message}`)
  process.exit(exitCode)
}

function readArguments() {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    refuse(`${(error as Error).message}\n${USAGE}`, 2)
  }
  const parsed = ArgsSchema.safeParse(values)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.message}`).join('\n')
    refuse(`bad arguments:\n${problems}\n${USAGE}`, 2)
  }
  return parsed.data
}

const args = readArguments()
loadDotEnv()
const env = initEnv(() => parseEnvKeys(process.env, ['DATABASE_URL', 'APP_URL']))
const db = createDb(env.DATABASE_URL, { max: 1, applicationName: 'vigil-staff-create' })
let problem: string | undefined
try {
  const { user, setPasswordUrl } = await createStaffFromCommandLine({
    db,
    appUrl: env.APP_URL,
    email: args.email,
    name: args.name ?? args.email.split('@')[0]!,
    role: args.role,
  })
  const hours = PASSWORD_LINK_TTL_MS.commandLine / 3_600_000
  console.log(`Created ${args.role} account for ${user.email} (${user.name}).`)
  console.log(`Open this link within ${hours} hours to set the password (it works once):`)
  console.log(`  ${setPasswordUrl}`)
} catch (error) {
  problem =
    error instanceof StaffEmailTakenError
      ? `${error.message} Nothing was changed. If they cannot sign in, use "Forgotten your password?" on /admin/login.`
      : `could not create the account: ${(error as Error).message}`
} finally {
  await closeDb(db)
}
if (problem) refuse(problem)
