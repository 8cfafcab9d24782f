// The whole data model. Constraints live here, in the database, so that no code path (a route, a
// worker, a one-off script) can store a case, a signature or a message that breaks the rules.
import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  inet,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
const tstz = (name: string) => timestamp(name, { withTimezone: true })

export const actionStatus = pgEnum('action_status', ['draft', 'active', 'closed'])
export const actionOutcome = pgEnum('action_outcome', [
  'released',
  'charges_dropped',
  'sentenced',
  'still_detained',
  'moved',
  'died_in_custody',
  'other',
])
export const actionTheme = pgEnum('action_theme', [
  'arbitrary_detention',
  'torture_risk',
  'enforced_disappearance',
  'judicial_harassment',
  'death_threats',
  'unfair_trial',
  'freedom_of_expression',
  'land_and_environment',
  'indigenous_rights',
  'labour_rights',
  'womens_rights',
  'lgbti_rights',
])
export const atRiskKind = pgEnum('at_risk_kind', ['person', 'group'])
export const deliveryMode = pgEnum('delivery_mode', ['individual', 'digest', 'hand'])
export const digestPeriod = pgEnum('digest_period', ['hourly', 'daily'])
export const authorityRole = pgEnum('authority_role', ['target', 'copy'])
export const signatureStatus = pgEnum('signature_status', ['pending', 'confirmed', 'invalidated'])
export const followStatus = pgEnum('follow_status', ['pending', 'active', 'unsubscribed'])
// queued: waiting for its turn (throttle, digest period, or a paused action); hand: kept for
// printing and hand delivery, never emailed.
export const letterStatus = pgEnum('letter_status', [
  'queued',
  'sent',
  'failed',
  'suppressed',
  'hand',
])
export const outboxStatus = pgEnum('outbox_status', [
  'pending',
  'sending',
  'sent',
  'failed',
  'cancelled',
])
export const suppressionReason = pgEnum('suppression_reason', [
  'bounce',
  'complaint',
  'unsubscribe',
  'erasure',
  'manual',
])
export const staffRole = pgEnum('staff_role', ['admin', 'editor', 'viewer'])

/** Staff: campaign managers and administrators. Supporters never log in. */
export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: staffRole('role').notNull(),
    passwordHash: text('password_hash'),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: tstz('locked_until'),
    disabledAt: tstz('disabled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      'staff_users_email_lowercase',
      sql`${t.email} = lower(${t.email}) and ${t.email} like '%_@_%'`,
    ),
    check('staff_users_failed_login_count', sql`${t.failedLoginCount} >= 0`),
  ],
)

/** Server-side sessions: the cookie holds a random id, the row holds who it belongs to. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    // SHA-256 of the cookie's token, so a database leak does not hand out live sessions.
    idHash: text('id_hash').primaryKey(),
    // Per-session secret echoed in every staff form, checked on every state-changing request.
    csrfToken: text('csrf_token').notNull(),
    staffUserId: uuid('staff_user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [index('staff_sessions_user_idx').on(t.staffUserId)],
)

/** One-time links to set or reset a staff password. */
export const staffPasswordTokens = pgTable('staff_password_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  staffUserId: uuid('staff_user_id')
    .notNull()
    .references(() => staffUsers.id, { onDelete: 'cascade' }),
  expiresAt: tstz('expires_at').notNull(),
  usedAt: tstz('used_at'),
  createdAt: createdAt(),
})

/** An urgent action: one case, from draft to closed, with its reference kept for every update. */
export const actions = pgTable(
  'actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    // Assigned at launch: "UA 014/26", sequential per year.
    reference: text('reference').unique(),
    referenceYear: smallint('reference_year'),
    referenceNumber: integer('reference_number'),
    status: actionStatus('status').notNull().default('draft'),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    atRiskKind: atRiskKind('at_risk_kind').notNull(),
    atRiskName: text('at_risk_name').notNull(),
    atRiskDescription: text('at_risk_description').notNull().default(''),
    // ISO 3166-1 alpha-2.
    country: text('country').notNull(),
    location: text('location').notNull().default(''),
    themes: actionTheme('themes')
      .array()
      .notNull()
      .default(sql`'{}'::action_theme[]`),
    story: text('story').notNull().default(''),
    background: text('background').notNull().default(''),
    demands: text('demands')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    deadline: date('deadline', { mode: 'string' }),
    signatureGoal: integer('signature_goal').notNull().default(1000),
    photoPath: text('photo_path'),
    photoAlt: text('photo_alt'),
    language: text('language').notNull().default('en'),
    deliveryMode: deliveryMode('delivery_mode').notNull().default('individual'),
    digestPeriod: digestPeriod('digest_period').notNull().default('daily'),
    // Letters per hour to one authority address, so officials' inboxes are not flooded.
    throttlePerHour: integer('throttle_per_hour').notNull().default(60),
    // Set when the family or lawyers ask for pressure to stop: signing and sending pause at once.
    pausedAt: tstz('paused_at'),
    pausedReason: text('paused_reason'),
    outcome: actionOutcome('outcome'),
    outcomeNote: text('outcome_note'),
    launchedAt: tstz('launched_at'),
    closedAt: tstz('closed_at'),
    createdById: uuid('created_by_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      'actions_slug_format',
      sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(${t.slug}) <= 120`,
    ),
    check('actions_reference_format', sql`${t.reference} ~ '^UA [0-9]{3,}/[0-9]{2}$'`),
    check(
      'actions_reference_parts',
      sql`(${t.reference} is null) = (${t.referenceYear} is null and ${t.referenceNumber} is null)`,
    ),
    check(
      'actions_reference_matches_parts',
      sql`${t.reference} is null or ${t.reference} = 'UA ' || lpad(${t.referenceNumber}::text, 3, '0') || '/' || lpad((${t.referenceYear} % 100)::text, 2, '0')`,
    ),
    check('actions_country_format', sql`${t.country} ~ '^[A-Z]{2}$'`),
    check('actions_title_present', sql`length(btrim(${t.title})) between 1 and 200`),
    check('actions_at_risk_name_present', sql`length(btrim(${t.atRiskName})) between 1 and 200`),
    check('actions_signature_goal_positive', sql`${t.signatureGoal} > 0`),
    check('actions_throttle_positive', sql`${t.throttlePerHour} > 0`),
    check(
      'actions_launched_has_reference',
      sql`${t.status} = 'draft' or (${t.reference} is not null and ${t.launchedAt} is not null)`,
    ),
    check(
      'actions_active_has_demands',
      sql`${t.status} = 'draft' or cardinality(${t.demands}) >= 1`,
    ),
    check('actions_closed_consistent', sql`(${t.status} = 'closed') = (${t.closedAt} is not null)`),
    check('actions_outcome_only_when_closed', sql`${t.outcome} is null or ${t.status} = 'closed'`),
    check('actions_paused_reason', sql`${t.pausedAt} is not null or ${t.pausedReason} is null`),
    unique('actions_reference_year_number').on(t.referenceYear, t.referenceNumber),
    index('actions_status_deadline_idx').on(t.status, t.deadline),
  ],
)

/** The officials supporters write to, and the "copies to" (usually an embassy). */
export const authorities = pgTable(
  'authorities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    role: authorityRole('role').notNull().default('target'),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    title: text('title').notNull(),
    salutation: text('salutation').notNull(),
    email: text('email'),
    postalAddress: text('postal_address').notNull().default(''),
    // BCP 47 tag of the language the official prefers to be written in.
    language: text('language').notNull().default('en'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('authorities_action_position').on(t.actionId, t.position),
    check(
      'authorities_email_format',
      sql`${t.email} is null or ${t.email} ~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'`,
    ),
    check(
      'authorities_reachable',
      sql`${t.email} is not null or length(btrim(${t.postalAddress})) > 0`,
    ),
    check('authorities_name_present', sql`length(btrim(${t.name})) > 0`),
  ],
)

/** The model letter supporters sign as it is; placeholders are filled per supporter and authority. */
export const letterTemplates = pgTable(
  'letter_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    language: text('language').notNull().default('en'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('letter_templates_action_language').on(t.actionId, t.language),
    check('letter_templates_body_present', sql`length(btrim(${t.body})) > 0`),
  ],
)

/** Updates and outcomes, numbered per case: "UA 014/26 update 2". */
export const actionUpdates = pgTable(
  'action_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    sequence: integer('sequence').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    outcome: actionOutcome('outcome'),
    publishedAt: tstz('published_at'),
    // Fan-out to followers: how many were found, and when writing their emails finished.
    fanoutTotal: integer('fanout_total'),
    // The last follower (by supporter id) whose email has been written: batches resume after it.
    fanoutCursor: uuid('fanout_cursor'),
    fanoutCompletedAt: tstz('fanout_completed_at'),
    createdById: uuid('created_by_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('action_updates_action_sequence').on(t.actionId, t.sequence),
    check('action_updates_sequence_positive', sql`${t.sequence} >= 1`),
  ],
)

/**
 * One row per person, keyed by the canonical form of their address (case, spaces and, for
 * providers that ignore them, dots and +tags removed) so signing twice never counts twice.
 * Erasure blanks the personal fields and keeps the row, so past signatures stay counted.
 */
export const supporters = pgTable(
  'supporters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email'),
    emailCanonical: text('email_canonical').unique(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    country: text('country'),
    locale: text('locale').notNull().default('en'),
    newsConsentAt: tstz('news_consent_at'),
    unsubscribedAllAt: tstz('unsubscribed_all_at'),
    erasedAt: tstz('erased_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      'supporters_erased_has_no_personal_data',
      sql`case when ${t.erasedAt} is null
        then ${t.email} is not null and ${t.emailCanonical} is not null
        else ${t.email} is null and ${t.emailCanonical} is null and ${t.firstName} is null and ${t.lastName} is null
      end`,
    ),
    check('supporters_country_format', sql`${t.country} is null or ${t.country} ~ '^[A-Z]{2}$'`),
  ],
)

/** A supporter's signature on one action: pending until confirmed by the emailed link. */
export const signatures = pgTable(
  'signatures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'restrict' }),
    supporterId: uuid('supporter_id')
      .notNull()
      .references(() => supporters.id, { onDelete: 'restrict' }),
    status: signatureStatus('status').notNull().default('pending'),
    // Country at the time of signing, kept for the per-country counts after erasure.
    country: text('country').notNull(),
    personalMessage: text('personal_message'),
    consentAt: tstz('consent_at').notNull(),
    // The name given with this signature. Anyone can type anyone's address, so it reaches the
    // supporter (and the letters) only once the address's owner confirms it. Null on signatures
    // made before it was kept here, and after erasure.
    firstName: text('first_name'),
    lastName: text('last_name'),
    // Asked, when signing, for news of other actions, and to follow this one: both take effect
    // once confirmed.
    wantsNews: boolean('wants_news').notNull().default(false),
    wantsFollow: boolean('wants_follow').notNull().default(false),
    // Counts the forms sent for this signature while pending: each replaces the details, and
    // the confirmation page confirms the one it showed.
    submission: integer('submission').notNull().default(1),
    // HMAC of the client IP: enough to spot abuse, useless for identifying a person.
    ipHash: text('ip_hash'),
    confirmedAt: tstz('confirmed_at'),
    invalidatedAt: tstz('invalidated_at'),
    invalidationReason: text('invalidation_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('signatures_one_per_supporter_per_action').on(t.actionId, t.supporterId),
    check('signatures_country_format', sql`${t.country} ~ '^[A-Z]{2}$'`),
    check(
      'signatures_confirmed_has_time',
      sql`${t.status} <> 'confirmed' or ${t.confirmedAt} is not null`,
    ),
    check(
      'signatures_invalidated_has_time',
      sql`(${t.status} = 'invalidated') = (${t.invalidatedAt} is not null)`,
    ),
    check(
      'signatures_personal_message_length',
      sql`${t.personalMessage} is null or length(${t.personalMessage}) <= 2000`,
    ),
    index('signatures_action_status_idx').on(t.actionId, t.status, t.confirmedAt),
    index('signatures_supporter_idx').on(t.supporterId),
  ],
)

/**
 * Confirmed-signature counts, spread over COUNTER_SHARDS rows per action so a surge of
 * confirmations never queues on one hot row; reading a count sums at most that many rows.
 */
export const COUNTER_SHARDS = 16
export const signatureCounterShards = pgTable(
  'signature_counter_shards',
  {
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    shard: smallint('shard').notNull(),
    confirmed: bigint('confirmed', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.actionId, t.shard] }),
    check(
      'signature_counter_shards_range',
      sql`${t.shard} between 0 and ${sql.raw(String(COUNTER_SHARDS - 1))}`,
    ),
  ],
)

/** Volunteers who get every update on a case by email. */
export const follows = pgTable(
  'follows',
  {
    supporterId: uuid('supporter_id')
      .notNull()
      .references(() => supporters.id, { onDelete: 'cascade' }),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    status: followStatus('status').notNull().default('pending'),
    confirmedAt: tstz('confirmed_at'),
    unsubscribedAt: tstz('unsubscribed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.supporterId, t.actionId] }),
    check('follows_active_confirmed', sql`${t.status} <> 'active' or ${t.confirmedAt} is not null`),
    index('follows_action_status_idx').on(t.actionId, t.status),
  ],
)

/**
 * Every email the platform will send, written in the same transaction as the change that
 * caused it. The worker claims a row (pending -> sending) before talking to SMTP; Redis only
 * ever carries the row's id.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // What makes this message unique in the world, e.g. "confirm:<signature id>".
    idempotencyKey: text('idempotency_key').notNull().unique(),
    template: text('template').notNull(),
    toAddress: text('to_address').notNull(),
    payload: jsonb('payload')
      .notNull()
      .default(sql`'{}'::jsonb`),
    // Transactional mail (confirmations, my-data links) is sent even to people who unsubscribed.
    transactional: boolean('transactional').notNull().default(false),
    actionId: uuid('action_id').references(() => actions.id, { onDelete: 'set null' }),
    supporterId: uuid('supporter_id').references(() => supporters.id, { onDelete: 'set null' }),
    // Set on the emails of an update's fan-out, so the console can show its progress.
    updateId: uuid('update_id').references((): AnyPgColumn => actionUpdates.id, {
      onDelete: 'set null',
    }),
    status: outboxStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    availableAt: tstz('available_at').notNull().defaultNow(),
    enqueuedAt: tstz('enqueued_at'),
    claimedAt: tstz('claimed_at'),
    sentAt: tstz('sent_at'),
    smtpMessageId: text('smtp_message_id'),
    createdAt: createdAt(),
  },
  (t) => [
    check('email_outbox_attempts', sql`${t.attempts} >= 0`),
    check('email_outbox_sent_has_time', sql`(${t.status} = 'sent') = (${t.sentAt} is not null)`),
    check(
      'email_outbox_sending_claimed',
      sql`${t.status} <> 'sending' or ${t.claimedAt} is not null`,
    ),
    // The dispatcher's and reconciler's scans only ever touch rows that are not finished.
    index('email_outbox_open_idx')
      .on(t.status, t.availableAt)
      .where(sql`${t.status} in ('pending', 'sending')`),
    // Due mail, by the way it goes: the dispatcher moves transactional mail to BullMQ, bulk
    // delivery claims the rest straight from here; neither walks past the other's backlog.
    index('email_outbox_queued_due_idx')
      .on(t.availableAt)
      .where(sql`${t.status} = 'pending' and ${t.transactional}`),
    index('email_outbox_bulk_due_idx')
      .on(t.availableAt)
      .where(sql`${t.status} = 'pending' and not ${t.transactional}`),
    index('email_outbox_action_idx').on(t.actionId, t.status),
    index('email_outbox_update_idx').on(t.updateId, t.status),
  ],
)

/** One letter per (signature, authority): delivered at most once, whatever the mode. */
export const letters = pgTable(
  'letters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    signatureId: uuid('signature_id')
      .notNull()
      .references(() => signatures.id, { onDelete: 'cascade' }),
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authorities.id, { onDelete: 'cascade' }),
    status: letterStatus('status').notNull().default('queued'),
    // Individual mode: the email carrying this letter, once scheduled within the throttle.
    outboxId: uuid('outbox_id').references(() => emailOutbox.id, { onDelete: 'set null' }),
    // Digest mode: the digest this letter went out in.
    digestId: uuid('digest_id').references((): AnyPgColumn => letterDigests.id, {
      onDelete: 'set null',
    }),
    scheduledAt: tstz('scheduled_at'),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('letters_signature_authority').on(t.signatureId, t.authorityId),
    index('letters_authority_status_idx').on(t.authorityId, t.status),
    // The scheduler's scan: letters still waiting, oldest first.
    index('letters_queued_idx')
      .on(t.authorityId, t.createdAt)
      .where(sql`${t.status} = 'queued' and ${t.outboxId} is null and ${t.digestId} is null`),
  ],
)

/** Digest mode: one email per authority per period, carrying every letter of the period. */
export const letterDigests = pgTable(
  'letter_digests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authorities.id, { onDelete: 'cascade' }),
    periodStart: tstz('period_start').notNull(),
    periodEnd: tstz('period_end').notNull(),
    letterCount: integer('letter_count').notNull(),
    outboxId: uuid('outbox_id').references(() => emailOutbox.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('letter_digests_authority_period').on(t.authorityId, t.periodStart),
    check('letter_digests_period', sql`${t.periodEnd} > ${t.periodStart}`),
    check('letter_digests_count', sql`${t.letterCount} > 0`),
  ],
)

/** Addresses never to email again: bounces, complaints, global unsubscribes, erasures. */
export const suppressions = pgTable('suppressions', {
  emailCanonical: text('email_canonical').primaryKey(),
  reason: suppressionReason('reason').notNull(),
  detail: text('detail'),
  createdAt: createdAt(),
})

/**
 * Fixed-window counters for rate limits (per IP hash, per address, per signature). Kept in
 * PostgreSQL so a Redis outage never blocks signing; old windows are deleted by maintenance.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    bucket: text('bucket').notNull(),
    key: text('key').notNull(),
    windowStart: tstz('window_start').notNull(),
    hits: integer('hits').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.bucket, t.key, t.windowStart] }),
    index('rate_limit_hits_window_idx').on(t.windowStart),
  ],
)

/** Who did what to which record, with the values before and after. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: tstz('at').notNull().defaultNow(),
    staffUserId: uuid('staff_user_id'),
    event: text('event').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: inet('ip'),
  },
  (t) => [
    foreignKey({ columns: [t.staffUserId], foreignColumns: [staffUsers.id] }).onDelete('set null'),
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
    index('audit_log_at_idx').on(t.at),
  ],
)

export type Action = typeof actions.$inferSelect
export type NewAction = typeof actions.$inferInsert
export type Authority = typeof authorities.$inferSelect
export type LetterTemplate = typeof letterTemplates.$inferSelect
export type ActionUpdate = typeof actionUpdates.$inferSelect
export type Supporter = typeof supporters.$inferSelect
export type Signature = typeof signatures.$inferSelect
export type OutboxMessage = typeof emailOutbox.$inferSelect
export type StaffUser = typeof staffUsers.$inferSelect
export type Letter = typeof letters.$inferSelect
export type LetterDigest = typeof letterDigests.$inferSelect
