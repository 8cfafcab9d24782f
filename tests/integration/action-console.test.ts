// The campaign console, as rules: what a letter may contain, how a draft becomes an urgent action
// with its reference, how authorities are ordered, how updates are numbered, what is audited, how
// actions close at their deadline, and how exports stay safe and flat in memory. Run against a
// real database through the model functions the console's routes call.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import { and, asc, eq, sql } from 'drizzle-orm'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import type * as ActionAdmin from '#app/models/action-admin.server.ts'
import type * as AuthorityAdmin from '#app/models/authority-admin.server.ts'
import type * as LetterAdmin from '#app/models/letter-admin.server.ts'
import type * as SignatureExport from '#app/models/signature-export.server.ts'
import type * as UpdateAdmin from '#app/models/update-admin.server.ts'
import type * as Photos from '#app/utils/photo.server.ts'
import type { ActionDetailsInput, AuthorityInput } from '#app/schemas/action-forms.ts'
import {
  actions,
  actionUpdates,
  auditLog,
  authorities,
  emailOutbox,
  follows,
  letters,
  signatures,
  staffUsers,
  suppressions,
  supporters,
} from '#db/schema.ts'
import { connectionsEnded, createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createConfirmedSignature } from '#tests/support/factories.ts'

let t: TestDatabase
let actionAdmin: typeof ActionAdmin
let authorityAdmin: typeof AuthorityAdmin
let letterAdmin: typeof LetterAdmin
let signatureExport: typeof SignatureExport
let updateAdmin: typeof UpdateAdmin
let photos: typeof Photos
let uploadDir: string
let editor: { staffUserId: string; ip: string }
let editorEmail: string

beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'console')
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-uploads-'))
  // The models read their configuration from process.env once, on first use.
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Vigil <no-reply@vigil.test>',
    APP_URL: 'https://vigil.test',
    SESSION_SECRET: 'console-secret-console-secret-console-40',
    NODE_ENV: 'test',
    UPLOAD_DIR: uploadDir,
  })
  actionAdmin = await import('#app/models/action-admin.server.ts')
  authorityAdmin = await import('#app/models/authority-admin.server.ts')
  letterAdmin = await import('#app/models/letter-admin.server.ts')
  signatureExport = await import('#app/models/signature-export.server.ts')
  updateAdmin = await import('#app/models/update-admin.server.ts')
  photos = await import('#app/utils/photo.server.ts')
  editorEmail = `editor-${Date.now()}@vigil.test`
  const [staff] = await t.db
    .insert(staffUsers)
    .values({ email: editorEmail, name: 'Edna Editor', role: 'editor' })
    .returning()
  editor = { staffUserId: staff!.id, ip: '203.0.113.9' }
})

afterAll(async () => {
  await t?.drop()
  if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true })
})

const YY = String(new Date().getUTCFullYear() % 100).padStart(2, '0')
let serial = 0

function details(overrides: Partial<ActionDetailsInput> = {}): ActionDetailsInput {
  serial++
  return {
    atRiskKind: 'person',
    atRiskName: 'Noor Fictional',
    atRiskDescription: 'A fictional land defender.',
    title: `Land defender detained ${serial}`,
    slug: null,
    summary: 'A fictional case for the console tests.',
    country: 'CO',
    location: '',
    themes: ['land_and_environment'],
    story: 'She was arrested at a protest.',
    background: '',
    demands: ['Release her immediately and unconditionally'],
    deadline: '2099-12-31',
    signatureGoal: 1000,
    deliveryMode: 'individual',
    digestPeriod: 'daily',
    throttlePerHour: 60,
    photoAlt: '',
    removePhoto: false,
    ...overrides,
  }
}

function authority(overrides: Partial<AuthorityInput> = {}): AuthorityInput {
  return {
    role: 'target',
    name: 'Minister Fictional',
    title: 'Minister of the Interior',
    salutation: 'Dear Minister',
    email: 'minister@interior.example',
    postalAddress: '',
    language: 'es',
    ...overrides,
  }
}

const LETTER = {
  subject: 'Release {{action.atRiskName}}',
  body: '{{authority.salutation}},\n\nI urge you to release {{action.atRiskName}} ({{action.reference}}).\n\n{{supporter.message}}\n\n{{supporter.fullName}}, {{supporter.country}}',
}

async function createDraft(overrides: Partial<ActionDetailsInput> = {}) {
  const result = await actionAdmin.createDraftAction(t.db, {
    input: details(overrides),
    actor: editor,
  })
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result.id
}

/** A draft with everything a launch needs. */
async function completeDraft(overrides: Partial<ActionDetailsInput> = {}) {
  const id = await createDraft(overrides)
  await authorityAdmin.addAuthority(t.db, { actionId: id, input: authority(), actor: editor })
  const saved = await letterAdmin.saveLetterTemplate(t.db, {
    actionId: id,
    input: LETTER,
    actor: editor,
  })
  expect(saved).toEqual({ status: 'saved' })
  return id
}

async function launchedAction(overrides: Partial<ActionDetailsInput> = {}) {
  const id = await completeDraft(overrides)
  const result = await actionAdmin.launchAction(t.db, { id, actor: editor })
  expect(result.status).toBe('launched')
  return id
}

async function actionRow(id: string) {
  const [row] = await t.db.select().from(actions).where(eq(actions.id, id))
  return row!
}

async function auditFor(id: string, event?: string) {
  const rows = await t.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.entityId, id))
    .orderBy(asc(auditLog.id))
  return event ? rows.filter((row) => row.event === event) : rows
}

/** The editor's export of an action's confirmed signatures, as the console's links start it. */
function exportSignatures(
  actionId: string,
  format: 'csv' | 'json',
  options: Pick<
    Parameters<typeof SignatureExport.exportConfirmedSignatures>[1],
    'signal' | 'limits'
  > = {},
) {
  return signatureExport.exportConfirmedSignatures(t.db, {
    actionId,
    format,
    actor: editor,
    ...options,
  })
}

// Runs first: the reference numbers it expects assume no action was launched this year before.
describe('launching', () => {
  test('launching gives the next reference of the year: UA 001/YY, then UA 002/YY', async () => {
    const first = await completeDraft()
    const second = await completeDraft()

    expect(await actionAdmin.launchAction(t.db, { id: first, actor: editor })).toMatchObject({
      status: 'launched',
      reference: `UA 001/${YY}`,
    })
    expect(await actionAdmin.launchAction(t.db, { id: second, actor: editor })).toMatchObject({
      status: 'launched',
      reference: `UA 002/${YY}`,
    })

    const row = await actionRow(first)
    expect(row).toMatchObject({
      status: 'active',
      reference: `UA 001/${YY}`,
      referenceNumber: 1,
      referenceYear: new Date().getUTCFullYear(),
    })
    expect(row.launchedAt).toBeInstanceOf(Date)
    const [audit] = await auditFor(first, 'action.launched')
    expect(audit).toMatchObject({
      staffUserId: editor.staffUserId,
      before: { status: 'draft' },
      after: { status: 'active', reference: `UA 001/${YY}` },
      ip: editor.ip,
    })
    // Launching again changes nothing.
    expect(await actionAdmin.launchAction(t.db, { id: first, actor: editor })).toEqual({
      status: 'not-draft',
    })
  })

  test('launches at the same moment never share a reference', async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => completeDraft()))
    const results = await Promise.all(
      ids.map((id) => actionAdmin.launchAction(t.db, { id, actor: editor })),
    )
    const references = results.map((result) =>
      result.status === 'launched' ? result.reference : result.status,
    )
    expect(new Set(references).size).toBe(5)
    expect(references.every((reference) => new RegExp(`^UA 00[3-7]/${YY}$`).test(reference))).toBe(
      true,
    )
  })

  test('an incomplete draft is refused with everything it still lacks, and stays a draft', async () => {
    const bare = await createDraft({ demands: [] })
    expect(await actionAdmin.launchAction(t.db, { id: bare, actor: editor })).toEqual({
      status: 'incomplete',
      missing: ['demands', 'authority', 'letter'],
    })

    // A "copy to" alone is not someone to write to.
    const copyOnly = await createDraft()
    await authorityAdmin.addAuthority(t.db, {
      actionId: copyOnly,
      input: authority({ role: 'copy' }),
      actor: editor,
    })
    expect(await actionAdmin.launchAction(t.db, { id: copyOnly, actor: editor })).toEqual({
      status: 'incomplete',
      missing: ['authority', 'letter'],
    })
    expect(await actionRow(bare)).toMatchObject({ status: 'draft', reference: null })
    expect(await actionRow(copyOnly)).toMatchObject({ status: 'draft', reference: null })
  })

  test('a draft whose deadline has passed is refused until the deadline moves: it would close at once', async () => {
    const id = await completeDraft()
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    await t.db.update(actions).set({ deadline: yesterday }).where(eq(actions.id, id))
    expect(await actionAdmin.launchAction(t.db, { id, actor: editor })).toEqual({
      status: 'incomplete',
      missing: ['deadline'],
    })
    await t.db.update(actions).set({ deadline: null }).where(eq(actions.id, id))
    expect(await actionAdmin.launchAction(t.db, { id, actor: editor })).toMatchObject({
      status: 'launched',
    })
  })
})

describe('letter template', () => {
  test('an unknown placeholder is refused and listed; known placeholders are saved', async () => {
    const id = await createDraft()
    const refused = await letterAdmin.saveLetterTemplate(t.db, {
      actionId: id,
      input: {
        subject: 'Release {{ action.atRiskname }}',
        body: 'Dear {{authority.salutation}}, {{supporter.frstName}} and {{supporter.frstName}} {{evil}}',
      },
      actor: editor,
    })
    expect(refused).toEqual({
      status: 'unknown-placeholders',
      placeholders: ['{{ action.atRiskname }}', '{{supporter.frstName}}', '{{evil}}'],
    })
    expect(await letterAdmin.getLetterTemplate(t.db, id)).toBeNull()
    // Each field with an unknown placeholder is marked, and only those.
    expect(
      letterAdmin.unknownPlaceholderErrors({ subject: 'Release {{evil}}', body: LETTER.body }),
    ).toEqual({ subject: ['console.error.letterSubject.unknownPlaceholders'] })
    expect(
      letterAdmin.unknownPlaceholderErrors({ subject: LETTER.subject, body: 'Hi {{evil}}' }),
    ).toEqual({ body: ['console.error.letterBody.unknownPlaceholders'] })

    expect(
      await letterAdmin.saveLetterTemplate(t.db, { actionId: id, input: LETTER, actor: editor }),
    ).toEqual({ status: 'saved' })
    expect(await letterAdmin.getLetterTemplate(t.db, id)).toMatchObject(LETTER)
  })

  test("a letter saved from a page opened before another editor's save is refused; saving again replaces theirs", async () => {
    const id = await createDraft()
    const opened = letterAdmin.letterVersion(null)
    const save = (input: typeof LETTER, version: string) =>
      letterAdmin.saveLetterTemplate(t.db, { actionId: id, input, version, actor: editor })
    expect(await save(LETTER, opened)).toEqual({ status: 'saved' })
    const mine = { ...LETTER, body: `${LETTER.body}\n\nP.S. Mine.` }
    const stale = await save(mine, opened)
    expect(stale).toEqual({ status: 'stale', version: letterAdmin.letterVersion(LETTER) })
    expect(await letterAdmin.getLetterTemplate(t.db, id)).toMatchObject(LETTER)
    expect(await save(mine, (stale as { version: string }).version)).toEqual({ status: 'saved' })
    expect(await letterAdmin.getLetterTemplate(t.db, id)).toMatchObject(mine)
  })

  test('the preview fills every placeholder for a sample supporter and the first official', async () => {
    const id = await createDraft({ atRiskName: 'Noor Fictional' })
    await authorityAdmin.addAuthority(t.db, {
      actionId: id,
      input: authority({ role: 'copy', name: 'Embassy', salutation: 'Dear Ambassador' }),
      actor: editor,
    })
    await authorityAdmin.addAuthority(t.db, { actionId: id, input: authority(), actor: editor })
    const preview = await letterAdmin.previewLetter(t.db, id, LETTER)
    expect(preview).toMatchObject({
      subject: 'Release Noor Fictional',
      authorityName: 'Minister Fictional',
    })
    expect(preview!.body).toMatch(/^Dear Minister,\n\nI urge you to release Noor Fictional/)
    expect(preview!.body).toContain('Alex Sample, Ireland')
    expect(preview!.body).not.toContain('{{')
  })

  test('"send me a test" writes one transactional email to the staff member with the letter as text', async () => {
    const id = await completeDraft()
    expect(
      await letterAdmin.sendTestLetter(t.db, {
        actionId: id,
        staff: { id: editor.staffUserId, email: editorEmail },
      }),
    ).toEqual({ status: 'queued' })
    // Pressed twice: still one email.
    await letterAdmin.sendTestLetter(t.db, {
      actionId: id,
      staff: { id: editor.staffUserId, email: editorEmail },
    })
    const rows = await t.db.select().from(emailOutbox).where(eq(emailOutbox.actionId, id))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      template: 'letter-test',
      toAddress: editorEmail,
      transactional: true,
    })
    const { renderEmail } = await import('#emails/render.ts')
    const email = renderEmail('letter-test', {
      ...(rows[0]!.payload as object),
      letter: 'Dear <b>Minister</b> & <script>alert(1)</script>',
    })
    expect(email.html).toContain('Dear &lt;b&gt;Minister&lt;/b&gt; &amp; &lt;script&gt;')
    expect(email.html).not.toContain('<script>')
    expect(email.text).toContain('Dear <b>Minister</b>')
  })
})

describe('editing', () => {
  test('changes to an active action are audited with the fields before and after; the slug stays', async () => {
    const id = await launchedAction({ title: 'Teacher held without charge' })
    const before = await actionRow(id)

    const result = await actionAdmin.updateActionDetails(t.db, {
      id,
      input: details({
        title: 'Teacher held without charge for 30 days',
        slug: 'a-new-address',
        summary: before.summary,
        story: before.story,
        atRiskDescription: before.atRiskDescription,
        demands: ['Release him', 'Let him see his lawyer'],
        deadline: before.deadline,
        signatureGoal: 5000,
      }),
      photo: { kind: 'keep' },
      actor: editor,
    })
    expect(result).toMatchObject({ ok: true })

    const after = await actionRow(id)
    expect(after.slug).toBe(before.slug)
    expect(after).toMatchObject({
      title: 'Teacher held without charge for 30 days',
      demands: ['Release him', 'Let him see his lawyer'],
      signatureGoal: 5000,
    })
    const [audit, ...more] = await auditFor(id, 'action.updated')
    expect(more).toHaveLength(0)
    expect(audit).toMatchObject({
      staffUserId: editor.staffUserId,
      entityType: 'action',
      ip: editor.ip,
      before: {
        title: 'Teacher held without charge',
        demands: ['Release her immediately and unconditionally'],
        signatureGoal: 1000,
      },
      after: {
        title: 'Teacher held without charge for 30 days',
        demands: ['Release him', 'Let him see his lawyer'],
        signatureGoal: 5000,
      },
    })
    // Only what changed is recorded.
    expect(Object.keys(audit!.after as object).sort()).toEqual(
      ['demands', 'signatureGoal', 'title'].sort(),
    )
  })

  test('editing a draft is not audited, may change its slug, and refuses one that is taken', async () => {
    const taken = await createDraft({ slug: 'already-taken-slug' })
    const id = await createDraft()
    expect(
      await actionAdmin.updateActionDetails(t.db, {
        id,
        input: details({ slug: 'already-taken-slug' }),
        photo: { kind: 'keep' },
        actor: editor,
      }),
    ).toEqual({ ok: false, errors: { slug: ['console.error.slug.taken'] } })
    await actionAdmin.updateActionDetails(t.db, {
      id,
      input: details({ slug: 'a-fresh-slug' }),
      photo: { kind: 'keep' },
      actor: editor,
    })
    expect((await actionRow(id)).slug).toBe('a-fresh-slug')
    expect(await auditFor(id, 'action.updated')).toHaveLength(0)
    expect(taken).not.toBe(id)
  })

  test('a slug is made from the title, and made unique', async () => {
    const a = await createDraft({ title: 'Free Zoë Ñandú now!' })
    const b = await createDraft({ title: 'Free Zoë Ñandú now!' })
    expect((await actionRow(a)).slug).toBe('free-zoe-nandu-now')
    expect((await actionRow(b)).slug).toBe('free-zoe-nandu-now-2')
  })

  test('pausing and resuming flip the flag and are audited', async () => {
    const id = await launchedAction()
    expect(
      await actionAdmin.setActionPaused(t.db, {
        id,
        paused: true,
        reason: 'Family asked',
        actor: editor,
      }),
    ).toEqual({ status: 'done' })
    expect(await actionRow(id)).toMatchObject({ pausedReason: 'Family asked' })
    expect((await actionRow(id)).pausedAt).toBeInstanceOf(Date)
    await actionAdmin.setActionPaused(t.db, { id, paused: false, actor: editor })
    expect(await actionRow(id)).toMatchObject({ pausedAt: null, pausedReason: null })
    expect((await auditFor(id)).map((row) => row.event)).toEqual(
      expect.arrayContaining(['action.paused', 'action.resumed']),
    )
  })

  test("a save from a form opened before another editor's save is refused, and saving again then replaces theirs", async () => {
    const id = await launchedAction()
    const opened = actionAdmin.detailsVersion(await actionRow(id))
    // Editor A fixes the story; pausing meanwhile changes nothing the form shows.
    expect(
      await actionAdmin.updateActionDetails(t.db, {
        id,
        input: details({ story: 'Fixed story.' }),
        photo: { kind: 'keep' },
        version: opened,
        actor: editor,
      }),
    ).toMatchObject({ ok: true })
    await actionAdmin.setActionPaused(t.db, { id, paused: true, actor: editor })
    // Editor B, from the page opened before, changes the deadline: refused, nothing written.
    const stale = await actionAdmin.updateActionDetails(t.db, {
      id,
      input: details({ deadline: '2099-06-30' }),
      photo: { kind: 'keep' },
      version: opened,
      actor: editor,
    })
    expect(stale).toMatchObject({ ok: false, status: 'stale' })
    expect(await actionRow(id)).toMatchObject({ story: 'Fixed story.', deadline: '2099-12-31' })
    // Saving again with the version the refusal gave is a deliberate choice: it goes through.
    const again = await actionAdmin.updateActionDetails(t.db, {
      id,
      input: details({ deadline: '2099-06-30' }),
      photo: { kind: 'keep' },
      version: (stale as { version: string }).version,
      actor: editor,
    })
    expect(again).toMatchObject({ ok: true })
    expect(await actionRow(id)).toMatchObject({ deadline: '2099-06-30' })
  })

  test('a live action cannot lose its last demand: the editor is told beside the field, and nothing changes', async () => {
    const id = await launchedAction()
    expect(
      await actionAdmin.updateActionDetails(t.db, {
        id,
        input: details({ demands: [], story: 'A new story.' }),
        photo: { kind: 'keep' },
        actor: editor,
      }),
    ).toEqual({ ok: false, errors: { demands: ['console.error.demands.required'] } })
    expect(await actionRow(id)).toMatchObject({
      demands: ['Release her immediately and unconditionally'],
      story: 'She was arrested at a protest.',
    })
    // A draft may be saved without demands: it cannot launch until it has one.
    const draft = await createDraft()
    expect(
      await actionAdmin.updateActionDetails(t.db, {
        id: draft,
        input: details({ demands: [] }),
        photo: { kind: 'keep' },
        actor: editor,
      }),
    ).toMatchObject({ ok: true })
  })

  test('closing a paused action by hand ends the pause, and the audit records it', async () => {
    const id = await launchedAction()
    await actionAdmin.setActionPaused(t.db, { id, paused: true, reason: 'Family', actor: editor })
    expect(
      await actionAdmin.closeAction(t.db, {
        id,
        outcome: 'released',
        outcomeNote: '',
        actor: editor,
      }),
    ).toEqual({ status: 'done' })
    expect(await actionRow(id)).toMatchObject({
      status: 'closed',
      pausedAt: null,
      pausedReason: null,
    })
    const [audit] = await auditFor(id, 'action.closed')
    expect(audit!.before).toMatchObject({ pausedAt: expect.any(String) })
    expect(audit!.after).toMatchObject({ status: 'closed', pausedAt: null })
  })

  test('closing by hand records the outcome and note, and is audited', async () => {
    const id = await launchedAction()
    expect(
      await actionAdmin.closeAction(t.db, {
        id,
        outcome: 'released',
        outcomeNote: 'Released on 2 June. Thank you all.',
        actor: editor,
      }),
    ).toEqual({ status: 'done' })
    const row = await actionRow(id)
    expect(row).toMatchObject({ status: 'closed', outcome: 'released' })
    expect(row.closedAt).toBeInstanceOf(Date)
    const [audit] = await auditFor(id, 'action.closed')
    expect(audit).toMatchObject({
      staffUserId: editor.staffUserId,
      after: { status: 'closed', outcome: 'released' },
    })
    // A closed action cannot be edited any more.
    expect(
      await actionAdmin.updateActionDetails(t.db, {
        id,
        input: details(),
        photo: { kind: 'keep' },
        actor: editor,
      }),
    ).toEqual({ ok: false, status: 'closed' })
  })
})

describe('automatic closing', () => {
  test('closeExpiredActions closes only active actions whose deadline has passed, and audits each', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    const expired = await launchedAction()
    const endsToday = await launchedAction()
    const noDeadline = await launchedAction({ deadline: null })
    const draft = await completeDraft()
    // Paused at the family's request: closing would send what the pause holds; staff decide.
    const paused = await launchedAction()
    await t.db.update(actions).set({ pausedAt: new Date() }).where(eq(actions.id, paused))
    for (const [id, deadline] of [
      [expired, yesterday],
      [endsToday, today],
      [draft, yesterday],
      [paused, yesterday],
    ] as const) {
      await t.db.update(actions).set({ deadline }).where(eq(actions.id, id))
    }

    expect(await actionAdmin.closeExpiredActions(t.db)).toBe(1)
    expect((await actionRow(paused)).status).toBe('active')

    expect(await actionRow(expired)).toMatchObject({ status: 'closed', outcome: null })
    expect((await actionRow(expired)).closedAt).toBeInstanceOf(Date)
    for (const id of [endsToday, noDeadline]) expect((await actionRow(id)).status).toBe('active')
    expect((await actionRow(draft)).status).toBe('draft')
    const [audit] = await auditFor(expired, 'action.closed')
    expect(audit).toMatchObject({
      staffUserId: null,
      before: { status: 'active' },
      after: { status: 'closed', reason: 'deadline', deadline: yesterday },
    })
    // Run again: nothing left to close.
    expect(await actionAdmin.closeExpiredActions(t.db)).toBe(0)
  })
})

describe('authorities', () => {
  async function positions(actionId: string) {
    return t.db
      .select({ name: authorities.name, position: authorities.position })
      .from(authorities)
      .where(eq(authorities.actionId, actionId))
      .orderBy(asc(authorities.position))
  }

  test('reordering swaps neighbours and keeps positions unique, even when editors click at once', async () => {
    const id = await createDraft()
    const ids: string[] = []
    for (const name of ['A', 'B', 'C', 'D']) {
      const added = await authorityAdmin.addAuthority(t.db, {
        actionId: id,
        input: authority({ name }),
        actor: editor,
      })
      if (added.status !== 'done') throw new Error(added.status)
      ids.push(added.id)
    }
    expect(
      await authorityAdmin.moveAuthority(t.db, {
        actionId: id,
        authorityId: ids[2]!,
        direction: 'up',
        actor: editor,
      }),
    ).toMatchObject({ status: 'done' })
    expect((await positions(id)).map((row) => row.name)).toEqual(['A', 'C', 'B', 'D'])
    expect(
      await authorityAdmin.moveAuthority(t.db, {
        actionId: id,
        authorityId: ids[0]!,
        direction: 'up',
        actor: editor,
      }),
    ).toEqual({ status: 'at-edge' })

    // Many moves at the same moment: each waits for the one before, none collides.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        authorityAdmin.moveAuthority(t.db, {
          actionId: id,
          authorityId: ids[i % 4]!,
          direction: i % 3 === 0 ? 'up' : 'down',
          actor: editor,
        }),
      ),
    )
    const after = await positions(id)
    expect(after.map((row) => row.name).sort()).toEqual(['A', 'B', 'C', 'D'])
    expect(new Set(after.map((row) => row.position)).size).toBe(4)
    expect(after.every((row) => row.position > 0)).toBe(true)
  })

  test("an official saved from a page opened before another editor's save is refused; saving again replaces theirs", async () => {
    const id = await completeDraft()
    const [opened] = await authorityAdmin.listAuthorities(t.db, id)
    const save = (input: AuthorityInput, version: string) =>
      authorityAdmin.updateAuthority(t.db, {
        actionId: id,
        authorityId: opened!.id,
        input,
        version,
        actor: editor,
      })
    expect(await save(authority({ salutation: 'Dear Madam Minister' }), opened!.version)).toEqual({
      status: 'done',
      id: opened!.id,
    })
    const stale = await save(authority({ title: 'Minister of Justice' }), opened!.version)
    expect(stale).toMatchObject({ status: 'stale' })
    const [now] = await authorityAdmin.listAuthorities(t.db, id)
    expect(now).toMatchObject({
      salutation: 'Dear Madam Minister',
      title: 'Minister of the Interior',
    })
    expect(stale).toEqual({ status: 'stale', version: now!.version })
    expect(await save(authority({ title: 'Minister of Justice' }), now!.version)).toMatchObject({
      status: 'done',
    })
  })

  test('changes to the authorities of an active action are audited; its last target stays', async () => {
    const id = await launchedAction()
    const [target] = await t.db.select().from(authorities).where(eq(authorities.actionId, id))
    expect(
      await authorityAdmin.removeAuthority(t.db, {
        actionId: id,
        authorityId: target!.id,
        actor: editor,
      }),
    ).toEqual({ status: 'last-target' })
    await authorityAdmin.updateAuthority(t.db, {
      actionId: id,
      authorityId: target!.id,
      input: authority({ salutation: 'Dear Madam Minister' }),
      actor: editor,
    })
    const [audit] = await auditFor(id, 'authority.updated')
    expect(audit).toMatchObject({
      before: { authorityId: target!.id, salutation: 'Dear Minister' },
      after: { authorityId: target!.id, salutation: 'Dear Madam Minister' },
    })
  })
})

describe('letters waiting when delivery changes', () => {
  /** A confirmed signature with one letter to each of the action's officials, waiting. */
  async function queuedLetters(actionId: string) {
    const signature = await createConfirmedSignature(t.db, actionId)
    const officials = await t.db
      .select()
      .from(authorities)
      .where(eq(authorities.actionId, actionId))
    await t.db
      .insert(letters)
      .values(
        officials.map((official) => ({ signatureId: signature.id, authorityId: official.id })),
      )
  }
  async function letterStatuses(actionId: string) {
    const rows = await t.db
      .select({ status: letters.status, email: authorities.email })
      .from(letters)
      .innerJoin(authorities, eq(authorities.id, letters.authorityId))
      .where(eq(authorities.actionId, actionId))
    return rows.map((row) => `${row.email ?? 'no email'}: ${row.status}`).sort()
  }

  test('switching a live action to hand delivery keeps the letters not yet emailed for printing', async () => {
    const id = await launchedAction()
    await queuedLetters(id)
    const result = await actionAdmin.updateActionDetails(t.db, {
      id,
      input: details({ deliveryMode: 'hand' }),
      photo: { kind: 'keep' },
      actor: editor,
    })
    expect(result).toMatchObject({ ok: true, changed: expect.arrayContaining(['deliveryMode']) })
    expect(await letterStatuses(id)).toEqual(['minister@interior.example: hand'])
  })

  test('a scheduling pass under way when hand delivery is chosen finishes first, and the save after it: neither waits for the other for ever', async () => {
    const id = await launchedAction()
    let saving: Promise<unknown> | undefined
    await t.db.transaction(async (tx) => {
      // As a scheduling pass does: its lock, then an email about the action (a row referencing it).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('vigil-letter-scheduler'))`)
      saving = actionAdmin.updateActionDetails(t.db, {
        id,
        input: details({ deliveryMode: 'hand' }),
        photo: { kind: 'keep' },
        actor: editor,
      })
      await new Promise((resolve) => setTimeout(resolve, 300))
      await tx.insert(emailOutbox).values({
        idempotencyKey: `letter:pass-${id}`,
        template: 'authority-letter',
        toAddress: 'minister@interior.example',
        payload: { letterId: '00000000-0000-4000-8000-000000000000' },
        transactional: true,
        actionId: id,
        status: 'cancelled',
      })
    })
    expect(await saving).toMatchObject({ ok: true })
    expect(await actionRow(id)).toMatchObject({ deliveryMode: 'hand' })
  })

  test("removing an official's email keeps their letters not yet emailed for printing; the others' still go by email", async () => {
    const id = await launchedAction()
    const other = await authorityAdmin.addAuthority(t.db, {
      actionId: id,
      input: authority({ name: 'Judge Fictional', email: 'judge@courts.example' }),
      actor: editor,
    })
    await queuedLetters(id)
    const [minister] = await t.db
      .select()
      .from(authorities)
      .where(and(eq(authorities.actionId, id), eq(authorities.name, 'Minister Fictional')))
    await authorityAdmin.updateAuthority(t.db, {
      actionId: id,
      authorityId: minister!.id,
      input: authority({ email: null, postalAddress: 'Calle 1, Bogotá' }),
      actor: editor,
    })
    expect(other).toMatchObject({ status: 'done' })
    expect(await letterStatuses(id)).toEqual(['judge@courts.example: queued', 'no email: hand'])
  })
})

describe('updates', () => {
  test('publishing numbers updates 1 then 2, whatever order the drafts were written in', async () => {
    const id = await launchedAction()
    const save = async (title: string) => {
      const saved = await updateAdmin.saveUpdateDraft(t.db, {
        actionId: id,
        input: { title, body: `**${title}**`, outcome: null },
        actor: editor,
      })
      if (saved.status !== 'done') throw new Error(saved.status)
      return saved.id
    }
    const first = await save('Moved to another prison')
    const second = await save('Lawyer visit allowed')
    const third = await save('Hearing postponed')

    expect(
      await updateAdmin.publishUpdate(t.db, { actionId: id, updateId: second, actor: editor }),
    ).toMatchObject({ status: 'done', sequence: 1 })
    expect(
      await updateAdmin.publishUpdate(t.db, { actionId: id, updateId: first, actor: editor }),
    ).toMatchObject({ status: 'done', sequence: 2 })
    expect(
      await updateAdmin.publishUpdate(t.db, { actionId: id, updateId: first, actor: editor }),
    ).toEqual({ status: 'published' })

    const rows = await t.db
      .select()
      .from(actionUpdates)
      .where(eq(actionUpdates.actionId, id))
      .orderBy(asc(actionUpdates.sequence))
    expect(rows.filter((row) => row.publishedAt).map((row) => [row.title, row.sequence])).toEqual([
      ['Lawyer visit allowed', 1],
      ['Moved to another prison', 2],
    ])
    expect(rows.find((row) => row.id === third)?.publishedAt).toBeNull()
    expect(await auditFor(id, 'update.published')).toHaveLength(2)

    const listed = await updateAdmin.listUpdatesForConsole(t.db, id)
    expect(listed.map((update) => update.sequence)).toEqual([null, 2, 1])
    expect(listed[1]).toMatchObject({
      bodyHtml: '<p><strong>Moved to another prison</strong></p>\n',
      fanout: { sent: 0, total: null },
    })
  })

  test('a draft action cannot publish updates (it has no reference to number them by)', async () => {
    const id = await createDraft()
    const saved = await updateAdmin.saveUpdateDraft(t.db, {
      actionId: id,
      input: { title: 'Early news', body: 'Text', outcome: null },
      actor: editor,
    })
    if (saved.status !== 'done') throw new Error(saved.status)
    expect(
      await updateAdmin.publishUpdate(t.db, { actionId: id, updateId: saved.id, actor: editor }),
    ).toEqual({ status: 'draft-action' })
  })
})

describe('dashboard', () => {
  test('the dashboard counts signatures by day, status and country, followers, letters and bounces', async () => {
    const id = await launchedAction()
    const [target] = await t.db.select().from(authorities).where(eq(authorities.actionId, id))
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000)
    const people: { id: string; email: string }[] = []
    const sign = async (
      status: 'confirmed' | 'pending',
      country: string,
      daysAgo: number,
      letter?: 'sent' | 'queued' | 'failed',
    ) => {
      const email = `dash-${people.length}-${Date.now()}@example.org`
      const [supporter] = await t.db
        .insert(supporters)
        .values({ email, emailCanonical: email })
        .returning()
      people.push({ id: supporter!.id, email })
      const [signature] = await t.db
        .insert(signatures)
        .values({
          actionId: id,
          supporterId: supporter!.id,
          status,
          country,
          consentAt: day(daysAgo),
          createdAt: day(daysAgo),
          confirmedAt: status === 'confirmed' ? day(daysAgo) : null,
        })
        .returning()
      if (letter) {
        await t.db
          .insert(letters)
          .values({ signatureId: signature!.id, authorityId: target!.id, status: letter })
      }
    }
    await sign('confirmed', 'ES', 0, 'sent')
    await sign('confirmed', 'ES', 0, 'sent')
    await sign('confirmed', 'DE', 3, 'queued')
    await sign('pending', 'FR', 0)
    await sign('confirmed', 'ES', 40, 'failed')
    await t.db.insert(follows).values([
      { supporterId: people[0]!.id, actionId: id, status: 'active', confirmedAt: new Date() },
      { supporterId: people[3]!.id, actionId: id, status: 'pending' },
    ])
    await t.db.insert(suppressions).values([
      { emailCanonical: people[1]!.email, reason: 'bounce' },
      { emailCanonical: people[2]!.email, reason: 'complaint' },
      { emailCanonical: people[3]!.email, reason: 'unsubscribe' },
      { emailCanonical: `someone-else-${Date.now()}@example.org`, reason: 'bounce' },
    ])

    const dashboard = await actionAdmin.getActionDashboard(t.db, id)
    expect(dashboard.days).toHaveLength(30)
    expect(dashboard.days.at(-1)).toEqual({
      day: new Date().toISOString().slice(0, 10),
      confirmed: 2,
      pending: 1,
    })
    expect(dashboard.days.at(-4)).toMatchObject({ confirmed: 1, pending: 0 })
    expect(dashboard.days.reduce((sum, d) => sum + d.confirmed + d.pending, 0)).toBe(4)
    expect(dashboard).toMatchObject({
      confirmed: 4,
      pending: 1,
      countries: [
        { country: 'ES', count: 3 },
        { country: 'DE', count: 1 },
      ],
      followers: 1,
      letters: { sent: 2, queued: 1, failed: 1, suppressed: 0, hand: 0 },
      bounces: { bounce: 1, complaint: 1 },
    })

    const overview = await actionAdmin.listActionsForConsole(t.db)
    expect(overview.find((row) => row.id === id)).toMatchObject({
      status: 'active',
      pending: 1,
      followers: 1,
    })
  })
})

/** A small RFC 4180 reader, to check the export round-trips exactly. */
function parseCsv(text: string) {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  return rows
}

async function confirmedSignature(
  actionId: string,
  person: { firstName: string; lastName: string; email: string; message: string | null },
) {
  const [supporter] = await t.db
    .insert(supporters)
    .values({
      email: person.email,
      emailCanonical: person.email,
      firstName: person.firstName,
      lastName: person.lastName,
      country: 'ES',
    })
    .returning()
  await t.db.insert(signatures).values({
    actionId,
    supporterId: supporter!.id,
    status: 'confirmed',
    country: 'ES',
    personalMessage: person.message,
    consentAt: new Date(),
    confirmedAt: new Date(),
  })
}

/** `rows` confirmed signatures on an action, written by PostgreSQL in one statement. */
async function addConfirmedSignatures(actionId: string, rows: number) {
  const prefix = `bulk-${crypto.randomUUID().slice(0, 8)}`
  await t.db.execute(sql`
    with bulk as (
      insert into supporters (email, email_canonical, first_name, last_name, country)
      select ${prefix} || '-' || g || '@example.org', ${prefix} || '-' || g || '@example.org',
             'First' || g, 'Last' || g, 'DE'
      from generate_series(1, ${rows}) as g
      returning id, country
    )
    insert into signatures (action_id, supporter_id, status, country, personal_message,
                            consent_at, confirmed_at)
    select ${actionId}, bulk.id, 'confirmed', bulk.country,
           'Please release them, and let them see their family.', now(), now()
    from bulk`)
}

describe('export', () => {
  test('CSV cells are quoted and formula-leading cells neutralised; JSON keeps the values as typed', async () => {
    const id = await launchedAction()
    const tricky = [
      {
        firstName: 'Ana "the, great"',
        lastName: 'Ruiz',
        email: 'ana@example.org',
        message: 'Line one\nline two, with "quotes"',
      },
      {
        firstName: '=HYPERLINK("http://evil.example","x")',
        lastName: '+1',
        email: 'eve@example.org',
        message: '@SUM(A1:A9)',
      },
      { firstName: '-2+3', lastName: '\tTab', email: 'tab@example.org', message: '\rCR' },
      { firstName: 'Zoë', lastName: 'Ñandú', email: 'zoe@example.org', message: null },
    ]
    for (const person of tricky) await confirmedSignature(id, person)
    // Pending signatures are not exported.
    const [pendingSupporter] = await t.db
      .insert(supporters)
      .values({ email: 'p@example.org', emailCanonical: 'p@example.org' })
      .returning()
    await t.db.insert(signatures).values({
      actionId: id,
      supporterId: pendingSupporter!.id,
      country: 'FR',
      consentAt: new Date(),
    })

    const response = await exportSignatures(id, 'csv')
    expect(response!.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response!.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="ua-\\d{3}-${YY}-signatures\\.csv"$`),
    )
    const bytes = Buffer.from(await response!.arrayBuffer())
    // A byte order mark first, so that Excel reads the names as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    expect(text.startsWith('Reference,Signed at,Confirmed at,')).toBe(true)
    expect(text).toContain('"Ana ""the, great"""')
    const [header, ...rows] = parseCsv(text)
    expect(header).toEqual([
      'Reference',
      'Signed at',
      'Confirmed at',
      'First name',
      'Last name',
      'Email',
      'Country',
      'Personal message',
    ])
    expect(rows).toHaveLength(4)
    const reference = (await actionRow(id)).reference
    expect(rows.map((row) => row.slice(3))).toEqual([
      ['Ana "the, great"', 'Ruiz', 'ana@example.org', 'ES', 'Line one\nline two, with "quotes"'],
      [`'=HYPERLINK("http://evil.example","x")`, "'+1", 'eve@example.org', 'ES', "'@SUM(A1:A9)"],
      ["'-2+3", "'\tTab", 'tab@example.org', 'ES', "'\rCR"],
      ['Zoë', 'Ñandú', 'zoe@example.org', 'ES', ''],
    ])
    expect(rows.every((row) => row[0] === reference)).toBe(true)
    expect(rows[0]![1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)

    const json = await exportSignatures(id, 'json')
    const parsed = (await json!.json()) as { firstName: string }[]
    expect(parsed.map((row) => row.firstName)).toEqual(tricky.map((person) => person.firstName))

    const audits = await auditFor(id, 'signatures.exported')
    expect(audits.map((row) => row.after)).toEqual([{ format: 'csv' }, { format: 'json' }])
    expect(audits[0]).toMatchObject({ staffUserId: editor.staffUserId, ip: editor.ip })
  })

  test('exporting 100,000 confirmed signatures streams in a fixed amount of memory', async () => {
    const id = await launchedAction()
    const rows = 100_000
    await addConfirmedSignatures(id, rows)

    // Collecting garbage as we go shows what the export really holds on to, rather than how
    // lazily V8 happens to collect the rows it has finished with.
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    gc()
    const before = process.memoryUsage()
    let peakRss = before.rss
    let peakHeap = before.heapUsed
    let lines = 0
    let bytes = 0
    let chunks = 0
    const started = Date.now()
    const response = await exportSignatures(id, 'csv')
    const reader = response!.body!.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks++
      bytes += value.byteLength
      // Rows have no line breaks inside them here, so counting newlines counts rows.
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++
      // The first chunk too: an export held whole would come as one.
      if (chunks % 16 === 1) {
        gc()
        const now = process.memoryUsage()
        peakRss = Math.max(peakRss, now.rss)
        peakHeap = Math.max(peakHeap, now.heapUsed)
      }
    }
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10
    console.log(
      `export of ${rows} rows: ${mb(bytes)} MB in ${chunks} chunks, ${Date.now() - started} ms; ` +
        `rss ${mb(before.rss)} → peak ${mb(peakRss)} MB (+${mb(peakRss - before.rss)}), ` +
        `heap ${mb(before.heapUsed)} → peak ${mb(peakHeap)} MB (+${mb(peakHeap - before.heapUsed)})`,
    )
    expect(lines).toBe(rows + 1)
    // The whole file is ~16 MB: a process that held it at any moment (as text or as bytes)
    // would have grown by at least that much.
    expect(bytes).toBeGreaterThan(15 * 1024 * 1024)
    expect(peakRss - before.rss).toBeLessThan(bytes * 0.75)
    const [confirmed] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(signatures)
      .where(and(eq(signatures.actionId, id), eq(signatures.status, 'confirmed')))
    expect(confirmed!.n).toBe(rows)
  })

  /** The export's own connection (copyOut's) has ended: its COPY no longer runs. */
  const exportConnectionEnded = () => connectionsEnded(t.db.$client, 'vigil-export', 20_000)
  const within = <T>(promise: Promise<T>, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what}: no answer in 20 s`)), 20_000),
      ),
    ])

  test('a download stopped part way ends its query and its connection', async () => {
    const id = await launchedAction()
    await addConfirmedSignatures(id, 50_000)
    const response = await exportSignatures(id, 'csv')
    const reader = response!.body!.getReader()
    const first = await reader.read()
    expect(first.value!.byteLength).toBeGreaterThan(0)
    await reader.cancel()
    // The COPY ran on a connection of its own, cancelled and ended (see copyOut).
    await exportConnectionEnded()
    // And a whole export runs after it.
    const again = await exportSignatures(id, 'csv')
    const text = await within(again!.text(), 'second export')
    expect(text.trimEnd().split('\n')).toHaveLength(50_000 + 1)
    await exportConnectionEnded()
  })

  // Remix drops the response of a request whose client has gone without cancelling its body:
  // the request's signal must end the query (a paused COPY, or a cursor), or its connection
  // would wait for good.
  test('a request gone before its body is read ends the export query, CSV or JSON', async () => {
    const id = await launchedAction()
    await addConfirmedSignatures(id, 50_000)
    for (const format of ['csv', 'json'] as const) {
      const request = new AbortController()
      const response = await exportSignatures(id, format, { signal: request.signal })
      expect(response!.status).toBe(200)
      // Let the query start and fill what the stream buffers, as it would for a real request.
      await new Promise((resolve) => setTimeout(resolve, 200))
      request.abort()
      await exportConnectionEnded()
    }
  })

  // A client still there but taking nothing meets the stall limit; one reading on, far too slowly
  // to finish, meets the time limit.
  test.each([
    {
      limit: 'the stall limit',
      limits: { concurrency: 2, stallMs: 1000, timeLimitMs: 60_000 },
      readEveryMs: undefined,
    },
    {
      limit: 'the time limit',
      limits: { concurrency: 2, stallMs: 60_000, timeLimitMs: 3000 },
      readEveryMs: 100,
    },
  ])('a download is ended at $limit, its query with it', async ({ limits, readEveryMs }) => {
    const id = await launchedAction()
    await addConfirmedSignatures(id, 50_000)
    for (const format of ['csv', 'json'] as const) {
      const response = await exportSignatures(id, format, { limits })
      const reader = response!.body!.getReader()
      if (readEveryMs === undefined) {
        await reader.read()
        await exportConnectionEnded()
      }
      const failure = await (async () => {
        for (;;) {
          if ((await reader.read()).done) return 'ended as if whole'
          await new Promise((resolve) => setTimeout(resolve, readEveryMs ?? 0))
        }
      })().catch((error: Error) => error.name)
      expect(failure).toBe('StreamLimitError')
      await exportConnectionEnded()
    }
  })

  test('while as many exports run as may, one more is refused before reading or auditing anything', async () => {
    const id = await launchedAction()
    await addConfirmedSignatures(id, 50_000)
    const limits = { concurrency: 1, stallMs: 60_000, timeLimitMs: 600_000 }
    const audited = async () => (await auditFor(id, 'signatures.exported')).length
    const running = await exportSignatures(id, 'csv', { limits })
    const reader = running!.body!.getReader()
    await reader.read()
    expect(await audited()).toBe(1)

    for (const format of ['csv', 'json'] as const) {
      await expect(exportSignatures(id, format, { limits })).rejects.toMatchObject({
        name: 'ExportsBusyError',
        limit: 1,
      })
    }
    expect(await audited()).toBe(1)
    // The refused ones opened a connection each, to look for a slot, and ended it.
    await connectionsEnded(t.db.$client, 'vigil-export', 20_000, { leaving: 1 })

    // Once the running one is over, its slot is free again.
    await reader.cancel()
    await exportConnectionEnded()
    const next = await exportSignatures(id, 'json', { limits })
    const rows = JSON.parse(await within(next!.text(), 'next export')) as unknown[]
    expect(rows).toHaveLength(50_000)
    expect(await audited()).toBe(2)
    await exportConnectionEnded()
  })
})

describe('photos', () => {
  test('a photo over 5 MB is refused without losing the rest of the form', async () => {
    const form = new FormData()
    form.append('title', 'Before the photo')
    form.append(
      'photo',
      new File([Buffer.alloc(6 * 1024 * 1024, 1)], 'huge.jpg', { type: 'image/jpeg' }),
    )
    form.append('unexpected', new File([Buffer.alloc(1024, 1)], 'other.bin'))
    form.append('photoAlt', 'After the photo')
    const request = new Request('https://vigil.test/admin/actions/new', {
      method: 'POST',
      body: form,
    })
    const parsed = await photos.parsePhotoForm(request)
    expect(parsed.get('title')).toBe('Before the photo')
    expect(parsed.get('photoAlt')).toBe('After the photo')
    expect(parsed.has('unexpected')).toBe(false)
    expect(photos.photoFromForm(parsed)).toEqual({
      kind: 'error',
      error: 'console.error.photo.tooLarge',
    })

    const small = new FormData()
    small.append('photo', new File([], ''))
    const empty = await photos.parsePhotoForm(
      new Request('https://vigil.test/admin/actions/new', { method: 'POST', body: small }),
    )
    expect(photos.photoFromForm(empty)).toEqual({ kind: 'none' })
  })

  test('a photo is checked by its content and re-encoded to JPEG without its metadata', async () => {
    // A camera JPEG: EXIF with the photographer's name and "rotate 90°" in its orientation tag.
    const camera = await sharp({
      create: { width: 40, height: 20, channels: 3, background: { r: 200, g: 0, b: 0 } },
    })
      .jpeg()
      .withExif({ IFD0: { Artist: 'Photographer Name', Copyright: 'secret' } })
      .withMetadata({ orientation: 6 })
      .toBuffer()
    expect((await sharp(camera).metadata()).exif).toBeDefined()
    const processed = await photos.processPhoto(camera)
    if (!processed.ok) throw new Error(processed.error)
    const meta = await sharp(processed.jpeg).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.exif).toBeUndefined()
    expect(meta.orientation).toBeUndefined()
    // The rotation was applied to the pixels before the metadata went.
    expect([meta.width, meta.height]).toEqual([20, 40])

    const png = await sharp({
      create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    })
      .png()
      .toBuffer()
    expect(await photos.processPhoto(png)).toMatchObject({ ok: true })
    expect(
      await photos.processPhoto(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toEqual({
      ok: false,
      error: 'console.error.photo.type',
    })
    const gif = await sharp({
      create: { width: 2, height: 2, channels: 3, background: '#000' },
    })
      .gif()
      .toBuffer()
    expect(await photos.processPhoto(gif)).toEqual({ ok: false, error: 'console.error.photo.type' })

    const name = await photos.storePhoto(processed.jpeg)
    expect(name).toMatch(photos.PHOTO_NAME_PATTERN)
    expect(fs.existsSync(path.join(uploadDir, name))).toBe(true)
    expect(photos.photoFilePath('../../etc/passwd')).toBeNull()
    await photos.deletePhoto(name)
    expect(fs.existsSync(path.join(uploadDir, name))).toBe(false)
  })
})
