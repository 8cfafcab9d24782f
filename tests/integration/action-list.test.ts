// The public list of actions at /actions: what a supporter sees, in which order, and how the
// filters and the search behave.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest'
import {
  ACTION_LIST_PAGE_SIZE,
  getActionListFilterOptions,
  listPublicActions,
  parseActionListSearch,
  type ActionListFilters,
} from '#app/models/action-list.server.ts'
import { addConfirmedSignatures } from '#db/counters.ts'
import { actions } from '#db/schema.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { createAction } from '#tests/support/factories.ts'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase(inject('templateDatabase'), 'list')
})
afterAll(() => t.drop())
// Each test sees only the actions it creates.
beforeEach(async () => {
  await t.db.delete(actions)
})

const DAY_MS = 24 * 60 * 60 * 1000
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS)

function list(filters: Partial<ActionListFilters> = {}) {
  return listPublicActions(t.db, { status: 'all', page: 1, ...filters })
}
const names = (result: Awaited<ReturnType<typeof list>>) => result.actions.map((a) => a.atRiskName)

describe('order', () => {
  test('open actions come first by deadline (none last), then closed ones, latest closed first', async () => {
    await createAction(t.db, {
      atRiskName: 'Closed long ago',
      status: 'closed',
      closedAt: daysAgo(30),
    })
    await createAction(t.db, { atRiskName: 'No deadline', deadline: null })
    await createAction(t.db, { atRiskName: 'Due in March', deadline: '2030-03-01' })
    await createAction(t.db, {
      atRiskName: 'Closed yesterday',
      status: 'closed',
      closedAt: daysAgo(1),
      outcome: 'released',
    })
    await createAction(t.db, { atRiskName: 'Due in January', deadline: '2030-01-15' })

    const result = await list()

    expect(names(result)).toEqual([
      'Due in January',
      'Due in March',
      'No deadline',
      'Closed yesterday',
      'Closed long ago',
    ])
    expect(result.total).toBe(5)
  })

  test('drafts never appear, whatever the filters', async () => {
    await createAction(t.db, { atRiskName: 'Published case', country: 'CO' })
    await createAction(t.db, {
      atRiskName: 'Draft case',
      status: 'draft',
      country: 'CO',
      reference: null,
      referenceYear: null,
      referenceNumber: null,
      launchedAt: null,
    })

    expect(names(await list())).toEqual(['Published case'])
    expect(names(await list({ country: 'CO', q: 'case' }))).toEqual(['Published case'])
    expect((await list({ status: 'closed' })).total).toBe(0)
  })

  test('closed actions carry when they closed and the outcome; open ones do not', async () => {
    const closedAt = daysAgo(3)
    await createAction(t.db, {
      atRiskName: 'Freed defender',
      status: 'closed',
      closedAt,
      outcome: 'released',
    })
    await createAction(t.db, { atRiskName: 'Still at risk' })

    const [open, closed] = (await list()).actions

    expect(open?.closed).toBeNull()
    expect(closed?.closed).toEqual({ on: closedAt.toISOString(), outcome: 'released' })
  })

  test('counts come from the confirmed-signature counters', async () => {
    const action = await createAction(t.db, { atRiskName: 'Counted case' })
    await addConfirmedSignatures(t.db, action.id, 5)
    await addConfirmedSignatures(t.db, action.id, 2)
    await createAction(t.db, { atRiskName: 'Uncounted case', deadline: '2031-01-01' })

    const result = await list()

    expect(result.actions.map((a) => [a.atRiskName, a.confirmedCount])).toEqual([
      ['Counted case', 7],
      ['Uncounted case', 0],
    ])
  })
})

describe('filters', () => {
  test('by status: open only, closed only, or both', async () => {
    await createAction(t.db, { atRiskName: 'Open case' })
    await createAction(t.db, { atRiskName: 'Closed case', status: 'closed', closedAt: daysAgo(2) })

    expect(names(await list({ status: 'active' }))).toEqual(['Open case'])
    expect(names(await list({ status: 'closed' }))).toEqual(['Closed case'])
    expect(names(await list({ status: 'all' }))).toEqual(['Open case', 'Closed case'])
  })

  test('by country', async () => {
    await createAction(t.db, { atRiskName: 'In Kenya', country: 'KE' })
    await createAction(t.db, { atRiskName: 'In Peru', country: 'PE' })

    expect(names(await list({ country: 'PE' }))).toEqual(['In Peru'])
  })

  test('by theme: any action that has the theme among its themes', async () => {
    await createAction(t.db, { atRiskName: 'Detained', themes: ['arbitrary_detention'] })
    await createAction(t.db, {
      atRiskName: 'Threatened and detained',
      themes: ['death_threats', 'arbitrary_detention'],
      deadline: '2030-06-01',
    })
    await createAction(t.db, { atRiskName: 'Threatened', themes: ['death_threats'] })

    expect(names(await list({ theme: 'death_threats' }))).toEqual([
      'Threatened',
      'Threatened and detained',
    ])
    expect((await list({ theme: 'lgbti_rights' })).total).toBe(0)
  })

  test('filters combine', async () => {
    await createAction(t.db, { atRiskName: 'Open in Peru', country: 'PE' })
    await createAction(t.db, {
      atRiskName: 'Closed in Peru',
      country: 'PE',
      status: 'closed',
      closedAt: daysAgo(1),
    })
    await createAction(t.db, {
      atRiskName: 'Closed in Kenya',
      country: 'KE',
      status: 'closed',
      closedAt: daysAgo(1),
    })

    expect(names(await list({ country: 'PE', status: 'closed' }))).toEqual(['Closed in Peru'])
  })

  test('the country choices are the countries with a public action, drafts excepted', async () => {
    await createAction(t.db, { country: 'KE' })
    await createAction(t.db, { country: 'KE' })
    await createAction(t.db, { country: 'PE', status: 'closed', closedAt: daysAgo(1) })
    await createAction(t.db, { country: 'CO', status: 'draft' })

    const options = await getActionListFilterOptions(t.db)

    expect(options.countries.sort()).toEqual(['KE', 'PE'])
    expect(options.themes).toContain('arbitrary_detention')
    expect(options.themes).toHaveLength(12)
  })
})

describe('search', () => {
  test('matches the person or group at risk and the title, whatever the letter case', async () => {
    await createAction(t.db, { atRiskName: 'Amara Kessely', title: 'Journalist detained' })
    await createAction(t.db, {
      atRiskName: 'Golden Loom union committee',
      title: 'Union leaders charged after strike',
    })

    expect(names(await list({ q: 'kESSELY' }))).toEqual(['Amara Kessely'])
    expect(names(await list({ q: 'JOURNALIST' }))).toEqual(['Amara Kessely'])
    expect(names(await list({ q: 'union' }))).toEqual(['Golden Loom union committee'])
    expect((await list({ q: 'nobody by that name' })).total).toBe(0)
  })

  test('% and _ are searched for as themselves, not as wildcards', async () => {
    await createAction(t.db, { atRiskName: 'Workers of 100% Cotton Ltd' })
    await createAction(t.db, { atRiskName: 'Workers of 1000 Cotton Ltd' })
    await createAction(t.db, { atRiskName: 'Ana_Maria Quispe' })
    await createAction(t.db, { atRiskName: 'AnaXMaria Quispe' })

    expect(names(await list({ q: '100%' }))).toEqual(['Workers of 100% Cotton Ltd'])
    expect((await list({ q: '%' })).total).toBe(1)
    expect(names(await list({ q: 'ana_maria' }))).toEqual(['Ana_Maria Quispe'])
    expect((await list({ q: '\\' })).total).toBe(0)
  })
})

describe('pagination', () => {
  test(`shows ${ACTION_LIST_PAGE_SIZE} a page, in order across pages; past the end shows the last page`, async () => {
    const total = ACTION_LIST_PAGE_SIZE + 3
    for (let i = 0; i < total; i++) {
      // Deadlines one day apart, so the expected order is the creation order.
      const deadline = new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10)
      await createAction(t.db, { atRiskName: `Person ${String(i).padStart(2, '0')}`, deadline })
    }

    const first = await list({ page: 1 })
    const second = await list({ page: 2 })
    const beyond = await list({ page: 9 })

    expect(first).toMatchObject({ total, page: 1, pageCount: 2 })
    expect(first.actions).toHaveLength(ACTION_LIST_PAGE_SIZE)
    expect(second).toMatchObject({ total, page: 2, pageCount: 2 })
    expect(names(second)).toEqual(['Person 24', 'Person 25', 'Person 26'])
    expect([...names(first), ...names(second)]).toEqual(
      Array.from({ length: total }, (_, i) => `Person ${String(i).padStart(2, '0')}`),
    )
    expect(beyond.page).toBe(2)
    expect(names(beyond)).toEqual(names(second))
  })

  test('no match is one empty page', async () => {
    expect(await list({ q: 'anything' })).toEqual({
      actions: [],
      total: 0,
      page: 1,
      pageCount: 1,
    })
  })
})

describe('search params', () => {
  const parse = (query: string) => parseActionListSearch(new URLSearchParams(query))

  test('no params: everything public, page 1', () => {
    expect(parse('')).toEqual({ filters: { status: 'all', page: 1 }, ignored: [] })
  })

  test('an empty form submission means no filter', () => {
    expect(parse('q=+&country=&theme=&status=&page=')).toEqual({
      filters: { status: 'all', page: 1 },
      ignored: [],
    })
  })

  test('good values are kept, trimmed and normalised', () => {
    expect(parse('q=+Amara+&country=ng&theme=torture_risk&status=closed&page=2')).toEqual({
      filters: { q: 'Amara', country: 'NG', theme: 'torture_risk', status: 'closed', page: 2 },
      ignored: [],
    })
  })

  test('bad values are ignored one by one, and named, while good ones still apply', () => {
    expect(parse('theme=nonsense&country=NG')).toEqual({
      filters: { country: 'NG', status: 'all', page: 1 },
      ignored: ['theme'],
    })
    expect(
      parse(`q=${'a'.repeat(101)}&country=XX&status=open&page=-1&theme=death_threats`),
    ).toEqual({
      filters: { theme: 'death_threats', status: 'all', page: 1 },
      ignored: ['q', 'country', 'status', 'page'],
    })
    expect(parse(`q=${'a'.repeat(100)}`).ignored).toEqual([])
  })
})
