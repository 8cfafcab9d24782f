// Signing and confirming. A signature is pending until its owner presses Confirm on the page the
// emailed link opens; only confirmed signatures count, each exactly once. The page a signer sees
// never depends on the address's history, so nobody can learn whether someone else has signed:
// only the email differs.
import { and, eq, sql } from 'drizzle-orm'
import { allPipelined } from '#db/pipelined.ts'
import { anyOf, preparedStatement } from '#db/prepared.ts'
import { addConfirmedSignatures, readConfirmedCounts } from '#db/counters.ts'
import {
  actions,
  authorities,
  emailOutbox,
  follows,
  letterTemplates,
  signatures,
  supporters,
} from '#db/schema.ts'
import type { DbOrTx } from '#db/client.ts'
import { letterFor } from '#jobs/email-loaders.ts'
import { createLettersForSignature, type LetterTargets } from '#jobs/letters.ts'
import { writeOutboxMessage, writeOutboxMessages, type NewOutboxMessage } from '#jobs/outbox.ts'
import type { SignInput } from '#app/schemas/supporter-forms.ts'
import { isDatabaseUnavailable, isDataError } from '#app/utils/db-errors.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { hashForRateLimit } from '#app/utils/crypto.server.ts'
import { canonicalEmail } from '#app/utils/email-address.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { countRateLimitHits, hitRateLimit, RateLimitedError } from '#app/utils/rate-limit.server.ts'
import { createLinkToken, verifyLinkToken } from '#app/utils/tokens.server.ts'

/** Confirmation emails for one pending signature: a few a day, however often the form is sent. */
const CONFIRMATION_RESENDS = { bucket: 'confirm-resend', limit: 3, windowSeconds: 24 * 3600 }

export type SignOutcome = { status: 'accepted' } | { status: 'not-open' }

type SupporterFields = {
  email: string
  firstName?: string
  lastName?: string
  country?: string
  locale: string
}

/** Finds the supporter for an address, creating them on first contact. */
export async function upsertSupporter(tx: DbOrTx, fields: SupporterFields) {
  const found = await upsertSupporters(tx, [fields])
  return found.get(canonicalEmail(fields.email))!
}

/**
 * Address order: the order every batch writes its rows in, so two transactions touching the same
 * supporters or signatures lock them alike and never deadlock.
 */
function byAddress(a: { emailCanonical: string }, b: { emailCanonical: string }) {
  return a.emailCanonical < b.emailCanonical ? -1 : a.emailCanonical > b.emailCanonical ? 1 : 0
}

const insertSupporters = preparedStatement<{
  id: string
  firstName: string | null
  emailCanonical: string
}>(sql`
  insert into ${supporters} (email, email_canonical, first_name, last_name, country, locale)
  select * from unnest(${sql.placeholder('emails')}::text[], ${sql.placeholder('canonical')}::text[],
    ${sql.placeholder('firstNames')}::text[], ${sql.placeholder('lastNames')}::text[],
    ${sql.placeholder('countries')}::text[], ${sql.placeholder('locales')}::text[])
  on conflict (email_canonical) do update set updated_at = ${supporters}.updated_at
  returning id, first_name as "firstName", email_canonical as "emailCanonical"`)

/**
 * Finds the supporters for some addresses, each different, creating those seen for the first
 * time; by canonical address. Rows are written in address order, so two transactions upserting
 * the same supporters lock them in the same order and never deadlock.
 */
async function upsertSupporters(tx: DbOrTx, people: SupporterFields[]) {
  const rows = people
    .map((fields) => ({
      ...fields,
      email: fields.email.trim(),
      emailCanonical: canonicalEmail(fields.email),
    }))
    .sort(byAddress)
  // An existing supporter's details are never overwritten from a public form: anyone can type
  // anyone's address. A signature keeps the details sent with it, and they reach the supporter
  // once the address's owner confirms them (confirmSignature).
  const found = await insertSupporters(tx, {
    emails: rows.map((row) => row.email),
    canonical: rows.map((row) => row.emailCanonical),
    firstNames: rows.map((row) => row.firstName ?? null),
    lastNames: rows.map((row) => row.lastName ?? null),
    countries: rows.map((row) => row.country ?? null),
    locales: rows.map((row) => row.locale),
  })
  return new Map(found.map(({ emailCanonical, ...supporter }) => [emailCanonical, supporter]))
}

/** The actions behind some slugs, with what decides whether they take signatures. */
async function actionsBySlug(tx: DbOrTx, slugs: string[]) {
  const rows = await tx
    .select({
      id: actions.id,
      slug: actions.slug,
      title: actions.title,
      atRiskName: actions.atRiskName,
      status: actions.status,
      pausedAt: actions.pausedAt,
    })
    .from(actions)
    .where(anyOf(actions.slug, [...new Set(slugs)]))
  return new Map(rows.map((row) => [row.slug, row]))
}

export function confirmationUrl(token: string) {
  return `${getEnv().APP_URL}/confirm/${token}`
}

type OpenAction = NonNullable<ReturnType<Awaited<ReturnType<typeof actionsBySlug>>['get']>>

/** One signing request waiting to be written with others. */
type SignRequest = {
  slug: string
  input: SignInput
  emailCanonical: string
  ipHash: string
  locale: string
  done: (error: unknown, outcome?: SignOutcome) => void
}
type PendingSignature = SignRequest & { action: OpenAction }

/**
 * Records a signature as pending and writes its confirmation email, in one transaction.
 * Signing again with the same address (however it is typed) stores nothing new: a pending
 * signature gets its confirmation again (a few times a day at most), a confirmed one an email
 * saying so. Throws RateLimitedError past the per-IP or per-address limits.
 *
 * Under a surge the signatures arriving together are written together (createSignatureWriter):
 * the page a signer sees is the same either way.
 */
export async function signAction({
  slug,
  input,
  ipHash,
  locale,
}: {
  slug: string
  input: SignInput
  ipHash: string
  locale: string
}): Promise<SignOutcome> {
  return new Promise<SignOutcome>((resolve, reject) =>
    signatureWriter.submit({
      slug,
      input,
      emailCanonical: canonicalEmail(input.email),
      ipHash,
      locale,
      done: (error, outcome) => (outcome ? resolve(outcome) : reject(error)),
    }),
  )
}

/**
 * The signature could not be written in time, or the database is out of reach: nothing the signer
 * did wrong, and sending the form again is safe (a repeat signature stores nothing new).
 */
export class SigningUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The signature could not be recorded just now', options)
    this.name = 'SigningUnavailableError'
  }
}

/** Signatures written in one transaction at most; a surge's batches stay short. */
const MAX_BATCH = 50
/**
 * Batches written at once per web process. One: a second writer took a lone signature every other
 * turn, 70% of batches had one signature, each paying the batch's nine round trips.
 */
const MAX_WRITING = 1
/** How long an idle writer that has just written waits for the signers it answered to return. */
const GATHER_MS = 2
/** "Just written": a batch finished less than this long ago (a surge, not a quiet time). */
const GATHER_WINDOW_MS = 10

/**
 * Writes signatures in batches without waiting to fill one: a signature arriving while nothing is
 * being written, at a quiet time, goes at once, alone; those arriving while a batch is written
 * wait and go together in the next. Under a surge, the writer that has just finished waits
 * GATHER_MS for the signers it answered (they come back within milliseconds), so they go
 * together instead of the first alone. A surge gets a handful of statements per batch instead of
 * per signature. (The issue's target was one signature per transaction at 0.6x the bare
 * database; batching is how a web process gets past it.)
 */
function createSignatureWriter() {
  const waiting: SignRequest[] = []
  let writing = 0

  /** Up to MAX_BATCH waiting signatures, no address twice (a batch upserts each supporter once). */
  function takeBatch() {
    const batch: SignRequest[] = []
    const addresses = new Set<string>()
    for (let i = 0; i < waiting.length && batch.length < MAX_BATCH;) {
      const next = waiting[i]!
      if (addresses.has(next.emailCanonical)) {
        i++
        continue
      }
      addresses.add(next.emailCanonical)
      batch.push(next)
      waiting.splice(i, 1)
    }
    return batch
  }

  let lastFinishedAt = -Infinity
  let gathering: NodeJS.Timeout | undefined

  function pump() {
    if (gathering || writing >= MAX_WRITING || waiting.length === 0) return
    // Under a surge the signers of the batch just written come back within milliseconds: wait
    // that long for them, or the first would go alone and the rest queue behind it.
    if (waiting.length < MAX_BATCH && performance.now() - lastFinishedAt < GATHER_WINDOW_MS) {
      gathering = setTimeout(() => {
        gathering = undefined
        write()
      }, GATHER_MS)
      return
    }
    write()
  }

  function write() {
    while (writing < MAX_WRITING && waiting.length > 0) {
      const batch = takeBatch()
      writing++
      // A batch stuck past the deadline (a database connection that neither answers nor fails)
      // answers its signers and gives up its place, so one stuck query never stops signing. If
      // it commits later, the signature is kept, and a signer who tries again is told so.
      let finished = false
      const finish = () => {
        if (finished) return
        finished = true
        clearTimeout(deadline)
        writing--
        lastFinishedAt = performance.now()
        pump()
      }
      const deadline = setTimeout(() => {
        for (const request of batch) request.done(new SigningUnavailableError())
        finish()
      }, getEnv().SIGN_WRITE_DEADLINE_MS)
      void writeBatch(batch).finally(finish)
    }
  }

  return {
    submit(request: SignRequest) {
      waiting.push(request)
      pump()
    },
  }
}

const signatureWriter = createSignatureWriter()

const ACCEPTED: SignOutcome = { status: 'accepted' }

async function writeBatch(requests: SignRequest[]) {
  // Looked up, and counted against the rate limits, outside the signing transaction, so they
  // never hold a lock while it runs.
  const batch: PendingSignature[] = []
  let counted
  try {
    const env = getEnv()
    const open = await actionsBySlug(
      getDb(),
      requests.map((request) => request.slug),
    )
    for (const request of requests) {
      const action = open.get(request.slug)
      if (!action || action.status !== 'active' || action.pausedAt) {
        request.done(undefined, { status: 'not-open' })
      } else batch.push({ ...request, action })
    }
    if (batch.length === 0) return
    counted = await countRateLimitHits(
      getDb(),
      batch.flatMap((signature) => [
        {
          rule: { bucket: 'sign-ip', limit: env.RATE_LIMIT_SIGN_PER_IP, windowSeconds: 600 },
          key: signature.ipHash,
        },
        {
          rule: {
            bucket: 'sign-email',
            limit: env.RATE_LIMIT_SIGN_PER_EMAIL,
            windowSeconds: 3600,
          },
          key: hashForRateLimit(signature.emailCanonical),
        },
      ]),
    )
  } catch (error) {
    // Failing before the actions were read: everyone gets the error; after, those already
    // answered (not open) keep their answer.
    for (const request of batch.length > 0 ? batch : requests) request.done(forSigner(error))
    return
  }
  const allowed: PendingSignature[] = []
  batch.forEach((signature, i) => {
    const refusal = counted[2 * i]!.refusal ?? counted[2 * i + 1]!.refusal
    if (refusal) signature.done(refusal)
    else allowed.push(signature)
  })
  if (allowed.length === 0) return
  const db = getDb()
  try {
    await db.transaction((tx) => recordSignatures(tx, allowed))
    for (const signature of allowed) signature.done(undefined, ACCEPTED)
  } catch (error) {
    // A row the database refuses (bad data, a constraint) fails only its own signature when each
    // is written alone. Anything else (a lost connection, a lock timeout) fails the batch.
    if (allowed.length === 1 || !isDataError(error)) {
      for (const signature of allowed) signature.done(forSigner(error))
      return
    }
    for (const signature of allowed) {
      try {
        await db.transaction((tx) => recordSignatures(tx, [signature]))
        signature.done(undefined, ACCEPTED)
      } catch (alone) {
        signature.done(forSigner(alone))
      }
    }
  }
}

/** A failure worth trying again in a moment becomes SigningUnavailableError; others stay. */
function forSigner(error: unknown) {
  return isDatabaseUnavailable(error) ? new SigningUnavailableError({ cause: error }) : error
}

const insertSignatures = preparedStatement<{ id: string; actionId: string; supporterId: string }>(
  sql`insert into ${signatures} (action_id, supporter_id, first_name, last_name, country,
      personal_message, consent_at, wants_news, wants_follow, ip_hash)
    select action_id, supporter_id, first_name, last_name, country, personal_message, now(),
      wants_news, wants_follow, ip_hash
    from unnest(${sql.placeholder('actionIds')}::uuid[], ${sql.placeholder('supporterIds')}::uuid[],
      ${sql.placeholder('firstNames')}::text[], ${sql.placeholder('lastNames')}::text[],
      ${sql.placeholder('countries')}::text[], ${sql.placeholder('messages')}::text[],
      ${sql.placeholder('wantsNews')}::text[]::boolean[],
      ${sql.placeholder('wantsFollow')}::text[]::boolean[], ${sql.placeholder('ipHashes')}::text[])
      as t(action_id, supporter_id, first_name, last_name, country, personal_message, wants_news,
        wants_follow, ip_hash)
    on conflict (action_id, supporter_id) do nothing
    returning id, action_id as "actionId", supporter_id as "supporterId"`,
)

/** The signing transaction for one or many signatures, each with a different address. */
async function recordSignatures(tx: DbOrTx, batch: PendingSignature[]) {
  // A lock held elsewhere (a migration, an erasure) fails the batch in seconds instead of
  // holding every signature behind it.
  await tx.execute(sql`set local lock_timeout = '5s'`)
  const supporterOf = await upsertSupporters(
    tx,
    batch.map(({ input, locale }) => ({
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      country: input.country,
      locale,
    })),
  )
  // In address order, like the supporters: signatures conflicting across batches lock alike.
  const signed = batch
    .map((signature) => ({ ...signature, supporter: supporterOf.get(signature.emailCanonical)! }))
    .sort(byAddress)

  const created = await insertSignatures(tx, {
    actionIds: signed.map((row) => row.action.id),
    supporterIds: signed.map((row) => row.supporter.id),
    firstNames: signed.map((row) => row.input.firstName),
    lastNames: signed.map((row) => row.input.lastName),
    countries: signed.map((row) => row.input.country),
    messages: signed.map((row) => row.input.message ?? null),
    wantsNews: signed.map((row) => String(Boolean(row.input.news))),
    wantsFollow: signed.map((row) => String(Boolean(row.input.follow))),
    ipHashes: signed.map((row) => row.ipHash),
  })
  const createdId = new Map(created.map((row) => [`${row.actionId} ${row.supporterId}`, row.id]))

  const confirmations = []
  for (const signature of signed) {
    const { action, supporter, input } = signature
    const signatureId = createdId.get(`${action.id} ${supporter.id}`)
    if (signatureId) {
      confirmations.push(
        await confirmationMessage({
          signatureId,
          supporterId: supporter.id,
          action,
          // The name just typed, not the one on file: the email goes to the address either way.
          firstName: input.firstName,
          to: input.email,
        }),
      )
    } else {
      await answerRepeatSignature(tx, signature)
    }
  }
  await writeOutboxMessages(tx, confirmations)
}

/**
 * Someone signs again with an address that has already signed this action. A pending signature
 * takes the new form's details, and its owner a new confirmation link: neither form was
 * confirmed, and the latest is likeliest to be the owner's (a typo mended, or a stranger's
 * earlier form). Past the resend limit nothing changes, so the last link sent still confirms
 * what it says. A confirmed signature stays as it is; its owner is told so.
 */
async function answerRepeatSignature(
  tx: DbOrTx,
  {
    action,
    supporter,
    input,
    ipHash,
  }: PendingSignature & { supporter: { id: string; firstName: string | null } },
) {
  const [existing] = await tx
    .select({ id: signatures.id, status: signatures.status })
    .from(signatures)
    .where(and(eq(signatures.actionId, action.id), eq(signatures.supporterId, supporter.id)))
  if (existing?.status === 'pending') {
    try {
      await hitRateLimit(tx, CONFIRMATION_RESENDS, existing.id)
    } catch (error) {
      // Past the resend limit the page still says the same; only the email is held back.
      if (!(error instanceof RateLimitedError)) throw error
      return
    }
    await tx
      .update(signatures)
      .set({
        firstName: input.firstName,
        lastName: input.lastName,
        country: input.country,
        personalMessage: input.message ?? null,
        wantsNews: Boolean(input.news),
        wantsFollow: Boolean(input.follow),
        ipHash,
        consentAt: sql`now()`,
        submission: sql`${signatures.submission} + 1`,
      })
      .where(and(eq(signatures.id, existing.id), eq(signatures.status, 'pending')))
    await writeConfirmation(tx, {
      signatureId: existing.id,
      supporterId: supporter.id,
      action,
      firstName: input.firstName,
      to: input.email,
    })
  } else if (existing?.status === 'confirmed') {
    await writeOutboxMessage(tx, {
      // At most one such email per signature per day.
      idempotencyKey: `already-signed:${existing.id}:${new Date().toISOString().slice(0, 10)}`,
      template: 'signature-already-confirmed',
      to: input.email,
      supporterId: supporter.id,
      actionId: action.id,
      params: {
        // Whoever typed this address may not be its owner: the name on file, if any.
        firstName: supporter.firstName ?? input.firstName,
        actionTitle: action.title,
        atRiskName: action.atRiskName,
        actionUrl: `${getEnv().APP_URL}/actions/${action.slug}`,
      },
    })
  }
}

type ConfirmationFor = {
  signatureId: string
  supporterId: string
  action: { id: string; title: string; atRiskName: string }
  firstName: string
  to: string
}

async function confirmationMessage({
  signatureId,
  supporterId,
  action,
  firstName,
  to,
}: ConfirmationFor): Promise<NewOutboxMessage> {
  const token = await createLinkToken('confirm-signature', { sid: signatureId })
  return {
    // A double-clicked submit lands in the same minute: one email.
    idempotencyKey: `confirm-signature:${signatureId}:${Math.floor(Date.now() / 60_000)}`,
    template: 'signature-confirmation',
    to,
    supporterId,
    actionId: action.id,
    params: {
      firstName,
      actionTitle: action.title,
      atRiskName: action.atRiskName,
      confirmUrl: confirmationUrl(token),
    },
  }
}

async function writeConfirmation(tx: DbOrTx, confirmation: ConfirmationFor) {
  await writeOutboxMessage(tx, await confirmationMessage(confirmation))
}

export type ConfirmationView =
  | {
      status: 'ready' | 'changed'
      action: { slug: string; title: string; atRiskName: string }
      signature: SignatureDetails
    }
  | { status: 'already-confirmed'; action: { slug: string; title: string; atRiskName: string } }
  | { status: 'not-open'; action: { slug: string; title: string; atRiskName: string } }
  | { status: 'cancelled'; action: { slug: string; title: string; atRiskName: string } }
  | { status: 'expired' }
  | { status: 'invalid' }
  | { status: 'withdrawn' }

type ConfirmationRead = {
  id: string
  status: 'pending' | 'confirmed' | 'invalidated'
  supporterId: string
  wantsNews: boolean
  wantsFollow: boolean
  submission: number
  country: string
  message: string | null
  actionId: string
  slug: string
  title: string
  atRiskName: string
  actionStatus: string
  reference: string | null
  deliveryMode: LetterTargets['deliveryMode']
  email: string | null
  firstName: string | null
  lastName: string | null
  /** Every authority, in the order the action lists them: a letter to each, a copy of the first. */
  authorities: {
    id: string
    email: string | null
    name: string
    title: string
    salutation: string
  }[]
  template: { subject: string; body: string } | null
}

/**
 * Everything confirming a signature writes from, in one statement: in a surge every confirmation
 * runs it, and each separate query cost a round trip (on this kind of machine, one write to
 * PostgreSQL's socket costs more CPU than building the query). The page's GET reads the same
 * row: one read of a signature by its token.
 */
const readConfirmation = preparedStatement<ConfirmationRead>(sql`
  select ${signatures.id} as id, ${signatures.status} as status,
    ${signatures.supporterId} as "supporterId", ${signatures.wantsNews} as "wantsNews",
    ${signatures.wantsFollow} as "wantsFollow", ${signatures.submission} as submission,
    ${signatures.country} as country, ${signatures.personalMessage} as message,
    ${actions.id} as "actionId", ${actions.slug} as slug, ${actions.title} as title,
    ${actions.atRiskName} as "atRiskName", ${actions.status} as "actionStatus",
    ${actions.reference} as reference, ${actions.deliveryMode} as "deliveryMode",
    ${supporters.email} as email,
    coalesce(${signatures.firstName}, ${supporters.firstName}) as "firstName",
    coalesce(${signatures.lastName}, ${supporters.lastName}) as "lastName",
    (select coalesce(json_agg(json_build_object('id', au.id, 'email', au.email, 'name', au.name,
        'title', au.title, 'salutation', au.salutation) order by au.role, au.position), '[]')
      from ${authorities} au where au.action_id = ${actions.id}) as authorities,
    (select json_build_object('subject', t.subject, 'body', t.body)
      from ${letterTemplates} t where t.action_id = ${actions.id}
      order by t.created_at limit 1) as template
  from ${signatures}
  join ${actions} on ${actions.id} = ${signatures.actionId}
  left join ${supporters} on ${supporters.id} = ${signatures.supporterId}
  where ${signatures.id} = ${sql.placeholder('id')}`)

/** The signature a confirmation link names, or what to show when it names none or a withdrawn one. */
async function findSignatureForToken(
  token: string,
): Promise<
  | { view: ConfirmationView }
  | { row: ConfirmationRead; action: { slug: string; title: string; atRiskName: string } }
> {
  const verified = await verifyLinkToken('confirm-signature', token)
  if (!verified.ok) return { view: { status: verified.problem } }
  const [row] = await readConfirmation(getDb(), { id: verified.payload.sid })
  if (!row) return { view: { status: 'invalid' } }
  if (row.status === 'invalidated') return { view: { status: 'withdrawn' } }
  return { row, action: { slug: row.slug, title: row.title, atRiskName: row.atRiskName } }
}

/** What a confirmation confirms, shown to the address's owner before they press Confirm. */
export type SignatureDetails = {
  firstName: string | null
  lastName: string | null
  country: string
  message: string | null
  follow: boolean
  news: boolean
  /** Which of the forms sent for this signature these details are (see signatures.submission). */
  submission: number
}

function signatureDetails(row: ConfirmationRead): SignatureDetails {
  return {
    firstName: row.firstName,
    lastName: row.lastName,
    country: row.country,
    message: row.message,
    follow: row.wantsFollow,
    news: row.wantsNews,
    submission: row.submission,
  }
}

/** What the confirmation page shows before the supporter presses Confirm. Changes nothing. */
export async function getConfirmationView(token: string): Promise<ConfirmationView> {
  const found = await findSignatureForToken(token)
  if ('view' in found) return found.view
  const { row, action } = found
  if (row.status === 'confirmed') return { status: 'already-confirmed', action }
  if (row.actionStatus !== 'active') return { status: 'not-open', action }
  return { status: 'ready', action, signature: signatureDetails(row) }
}

/**
 * Confirms a pending signature: counted exactly once, whatever the number of clicks. The
 * details take effect now: the name becomes the supporter's (the letters carry it), and the
 * follow and news choices made when signing start. `submission`, from the page the owner saw,
 * confirms those details only: if another form replaced them since, nothing is confirmed and
 * the page shows the new ones ('changed').
 */
export async function confirmSignature(
  token: string,
  { submission }: { submission?: number } = {},
): Promise<ConfirmationView> {
  const found = await findSignatureForToken(token)
  if ('view' in found) return found.view
  const { row, action } = found
  if (row.actionStatus !== 'active' && row.status === 'pending')
    return { status: 'not-open', action }
  if (row.status === 'pending' && submission !== undefined && submission !== row.submission)
    return { status: 'changed', action, signature: signatureDetails(row) }
  const thankYou = thankYouMessage(row)
  const outcome = await getDb().transaction(async (tx) => {
    const [confirmed] = await tx
      .update(signatures)
      .set({ status: 'confirmed', confirmedAt: sql`now()` })
      .where(
        and(
          eq(signatures.id, row.id),
          eq(signatures.status, 'pending'),
          // What was read is what is confirmed: a form sent in between leaves it pending.
          eq(signatures.submission, row.submission),
        ),
      )
      .returning({ id: signatures.id })
    if (!confirmed) {
      const [now] = await tx
        .select({ status: signatures.status })
        .from(signatures)
        .where(eq(signatures.id, row.id))
      return now?.status === 'pending'
        ? ('changed' as const)
        : { status: 'already-confirmed' as const, action }
    }
    // A new choice to hear from us, confirmed from the address: it outweighs an earlier
    // "unsubscribe from everything" (which left every other follow unsubscribed).
    const optsIn = row.wantsFollow || row.wantsNews
    // What follows depends only on what was read: sent together, one round trip rather than
    // one each.
    await allPipelined([
      addConfirmedSignatures(tx, row.actionId),
      // The letters to the authorities leave with the confirmation, never before it.
      createLettersForSignature(tx, row.id, row),
      thankYou && writeOutboxMessage(tx, thankYou),
      row.wantsFollow &&
        tx
          .insert(follows)
          .values({
            supporterId: row.supporterId,
            actionId: row.actionId,
            status: 'active',
            confirmedAt: sql`now()`,
          })
          .onConflictDoUpdate({
            target: [follows.supporterId, follows.actionId],
            set: {
              status: 'active',
              confirmedAt: sql`coalesce(${follows.confirmedAt}, now())`,
              unsubscribedAt: null,
            },
          }),
      tx
        .update(supporters)
        .set({
          // The owner of the address confirmed this name: the letters and emails use it.
          firstName: sql`coalesce(${row.firstName}, ${supporters.firstName})`,
          lastName: sql`coalesce(${row.lastName}, ${supporters.lastName})`,
          country: row.country,
          ...(row.wantsNews
            ? { newsConsentAt: sql`coalesce(${supporters.newsConsentAt}, now())` }
            : {}),
          ...(optsIn ? { unsubscribedAllAt: null } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(supporters.id, row.supporterId)),
    ])
    return { status: 'ready' as const, action, signature: signatureDetails(row) }
  })
  if (outcome !== 'changed') return outcome
  // Another form replaced the details while this confirmation ran: show them, confirm nothing.
  const view = await getConfirmationView(token)
  return view.status === 'ready' ? { ...view, status: 'changed' } : view
}

/**
 * Cancels a pending signature from its confirmation link: the address's owner saw details that
 * are not theirs (someone typed their address) and wants them gone. Nothing was counted; the
 * signature and its unsent confirmation emails go, so the owner can sign afresh with their own
 * details and a fresh allowance of confirmation links. A confirmed signature stays.
 */
export async function cancelPendingSignature(token: string): Promise<ConfirmationView> {
  const found = await findSignatureForToken(token)
  if ('view' in found) return found.view
  const { row, action } = found
  if (row.status === 'confirmed') return { status: 'already-confirmed', action }
  const confirmedMeanwhile = await getDb().transaction(async (tx) => {
    const [deleted] = await tx
      .delete(signatures)
      .where(and(eq(signatures.id, row.id), eq(signatures.status, 'pending')))
      .returning({ id: signatures.id })
    if (!deleted) {
      // No longer pending: confirmed since it was read, or already gone (an earlier click).
      const [now] = await tx
        .select({ status: signatures.status })
        .from(signatures)
        .where(eq(signatures.id, row.id))
      return now?.status === 'confirmed'
    }
    await tx
      .update(emailOutbox)
      .set({ status: 'cancelled', lastError: 'signature cancelled from its link' })
      .where(
        and(
          sql`${emailOutbox.idempotencyKey} like ${`confirm-signature:${row.id}:%`}`,
          eq(emailOutbox.status, 'pending'),
        ),
      )
    return false
  })
  return { status: confirmedMeanwhile ? 'already-confirmed' : 'cancelled', action }
}

/** Thanks the supporter, with a copy of the letter sent in their name to the first official. */
function thankYouMessage(row: ConfirmationRead): NewOutboxMessage | null {
  if (!row.email || !row.firstName || !row.lastName) return null
  const [authority] = row.authorities
  const letter =
    authority && row.template
      ? letterFor(
          row.template,
          {
            firstName: row.firstName,
            lastName: row.lastName,
            country: row.country,
            message: row.message,
          },
          authority,
          { reference: row.reference, atRiskName: row.atRiskName },
        ).letter
      : ''
  return {
    idempotencyKey: `thank-you:${row.id}`,
    template: 'signature-thank-you',
    to: row.email,
    supporterId: row.supporterId,
    actionId: row.actionId,
    params: {
      firstName: row.firstName,
      atRiskName: row.atRiskName,
      actionTitle: row.title,
      authorityName: authority ? `${authority.name}, ${authority.title}` : '',
      letter,
      actionUrl: `${getEnv().APP_URL}/actions/${row.slug}`,
    },
  }
}

/** The confirmed count for one action, as shown on its pages. */
export async function getConfirmedCount(actionId: string) {
  return (await readConfirmedCounts(getDb(), [actionId])).get(actionId) ?? 0
}
