// Data for the harnesses, made in bulk with SQL: actions with the demo content of a real-looking
// case, a million confirmed signatures, pending signatures to confirm, followers. Rows are
// written the way the platform writes them (same constraints, counters set to match).
import type postgres from 'postgres'
import { seedActions } from '#db/seed-data.ts'

export type BenchAction = { id: string; slug: string; authorityEmails: string[] }

let referenceNumber = 0

/**
 * An active action with the first demo case's story, demands, authorities, letter and updates.
 * `authorities: 1` keeps only the first official (one letter per confirmation).
 */
export async function createBenchAction(
  sql: postgres.Sql,
  {
    slug,
    deliveryMode = 'individual',
    throttlePerHour = 60,
    authorities = 3,
  }: {
    slug: string
    deliveryMode?: 'individual' | 'digest' | 'hand'
    throttlePerHour?: number
    authorities?: number
  },
): Promise<BenchAction> {
  const seed = seedActions[0]!
  const number = ++referenceNumber
  const year = new Date().getUTCFullYear()
  const reference = `UA ${String(number).padStart(3, '0')}/${String(year % 100).padStart(2, '0')}`
  const [action] = await sql<{ id: string }[]>`
    insert into actions (slug, reference, reference_year, reference_number, status, title, summary,
      at_risk_kind, at_risk_name, at_risk_description, country, location, themes, story,
      background, demands, deadline, signature_goal, delivery_mode, digest_period,
      throttle_per_hour, launched_at)
    values (${slug}, ${reference}, ${year}, ${number}, 'active', ${seed.action.title},
      ${seed.action.summary}, ${seed.action.atRiskKind}, ${seed.action.atRiskName},
      ${seed.action.atRiskDescription ?? ''}, ${seed.action.country}, ${seed.action.location ?? ''},
      array(select jsonb_array_elements_text(${sql.json(seed.action.themes ?? [])}))::action_theme[], ${seed.action.story ?? ''},
      ${seed.action.background ?? ''}, array(select jsonb_array_elements_text(${sql.json(seed.action.demands ?? [])})), '2099-12-31',
      ${seed.action.signatureGoal ?? 1000}, ${deliveryMode}, 'hourly', ${throttlePerHour}, now())
    returning id`
  const id = action!.id
  const officials = seed.authorities.slice(0, authorities)
  const authorityEmails: string[] = []
  for (const [i, authority] of officials.entries()) {
    // Each action writes to addresses of its own, so one scenario's throttle never holds another's.
    const email = authority.email ? authority.email.replace('@', `+${slug}@`) : null
    if (email) authorityEmails.push(email)
    await sql`
      insert into authorities (action_id, role, position, name, title, salutation, email,
        postal_address, language)
      values (${id}, ${authority.role}, ${i + 1}, ${authority.name}, ${authority.title},
        ${authority.salutation}, ${email}, ${authority.postalAddress}, ${authority.language})`
  }
  await sql`
    insert into letter_templates (action_id, subject, body)
    values (${id}, ${seed.letter.subject}, ${seed.letter.body})`
  for (const [i, update] of seed.updates.entries()) {
    await sql`
      insert into action_updates (action_id, sequence, title, body, outcome, published_at,
        fanout_total, fanout_completed_at)
      values (${id}, ${i + 1}, ${update.title}, ${update.body}, ${update.outcome ?? null},
        now() - interval '1 day', 0, now())`
  }
  return { id, slug, authorityEmails }
}

/**
 * `n` supporters with a confirmed signature each, in batches of 100,000 rows, and the counter
 * set to match. No letters: these stand for signatures whose letters went out long ago.
 */
export async function loadConfirmedSignatures(
  sql: postgres.Sql,
  actionId: string,
  n: number,
  label: string,
) {
  const batch = 100_000
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1)
    await sql`
      with made as (
        insert into supporters (email, email_canonical, first_name, last_name, country)
        select ${label} || '-' || g || '@signers.example', ${label} || '-' || g || '@signers.example',
               'Signer', 'Number ' || g, 'DE'
        from generate_series(${from}::int, ${to}::int) g
        returning id
      )
      insert into signatures (action_id, supporter_id, status, country, consent_at, confirmed_at,
        created_at, personal_message)
      select ${actionId}, id, 'confirmed', 'DE', now(), now(), now(),
             case when random() < 0.2 then 'Please release her now.' end
      from made`
  }
  await sql`
    insert into signature_counter_shards (action_id, shard, confirmed)
    values (${actionId}, 0, ${n})
    on conflict (action_id, shard) do update set confirmed = signature_counter_shards.confirmed + ${n}`
  await sql`analyze supporters`
  await sql`analyze signatures`
}

/** `n` pending signatures (as signing leaves them); returns their ids, for confirmation links. */
export async function createPendingSignatures(
  sql: postgres.Sql,
  actionId: string,
  n: number,
  label: string,
) {
  const rows = await sql<{ id: string }[]>`
    with made as (
      insert into supporters (email, email_canonical, first_name, last_name, country)
      select ${label} || '-' || g || '@pending.example', ${label} || '-' || g || '@pending.example',
             'Pending', 'Number ' || g, 'FR'
      from generate_series(1, ${n}::int) g
      returning id
    )
    insert into signatures (action_id, supporter_id, country, consent_at)
    select ${actionId}, id, 'FR', now() from made
    returning id`
  return rows.map((row) => row.id)
}

/** `n` active followers of an action, made in one statement. */
export async function addFollowers(sql: postgres.Sql, actionId: string, n: number, label: string) {
  await sql`
    with made as (
      insert into supporters (email, email_canonical, first_name, last_name, country)
      select ${label} || '-' || g || '@followers.example', ${label} || '-' || g || '@followers.example',
             'Follower', 'Number ' || g, 'DE'
      from generate_series(1, ${n}::int) g
      returning id
    )
    insert into follows (supporter_id, action_id, status, confirmed_at)
    select id, ${actionId}, 'active', now() from made`
  await sql`analyze follows`
}

/** Publishes an update (as the console does) and wakes the worker's pump. */
export async function publishUpdate(sql: postgres.Sql, actionId: string, title: string) {
  const [row] = await sql<{ id: string }[]>`
    insert into action_updates (action_id, sequence, title, body, published_at)
    values (${actionId},
      (select coalesce(max(sequence), 0) + 1 from action_updates where action_id = ${actionId}),
      ${title},
      ${'She was **moved** to a prison near her family, and her lawyer has seen her.\n\nThank you for writing: please keep going.'},
      now())
    returning id`
  await sql`select pg_notify('vigil_outbox', '')`
  return row!.id
}

/** Outbox rows not yet finished (pending or being sent). */
export async function openOutboxCount(sql: postgres.Sql) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from email_outbox where status in ('pending', 'sending')`
  return row!.n
}

/** Every action whose counter differs from its confirmed signatures: [] when all agree. */
export async function counterMismatches(sql: postgres.Sql) {
  return sql<{ slug: string; counted: number; confirmed: number }[]>`
    select a.slug,
           coalesce((select sum(confirmed) from signature_counter_shards c where c.action_id = a.id), 0)::int as counted,
           (select count(*) from signatures s where s.action_id = a.id and s.status = 'confirmed')::int as confirmed
    from actions a
    where coalesce((select sum(confirmed) from signature_counter_shards c where c.action_id = a.id), 0)
       <> (select count(*) from signatures s where s.action_id = a.id and s.status = 'confirmed')`
}
