// patches/@remix-run+router+*.patch caches, on the server, what every request used to recompute:
// the flattened and ranked route branches (per routes array) and each path's RegExp. A cache
// must never change an answer: these pin the matches it gives.
import { createRequire } from 'node:module'
import type * as Router from '@remix-run/router'
import { describe, expect, test } from 'vitest'

// The server's copy (the package's CommonJS build, which the patch changes), as Remix loads it.
const { matchRoutes, matchPath } = createRequire(import.meta.url)(
  '@remix-run/router',
) as typeof Router

const ids = (matches: ReturnType<typeof matchRoutes>) => matches?.map((m) => m.route.id) ?? null

describe('route matching on the server', () => {
  const routes = [
    {
      id: 'root',
      path: '/',
      children: [
        { id: 'home', index: true },
        { id: 'action', path: 'actions/:slug' },
        { id: 'check-email', path: 'actions/:slug/check-email' },
        { id: 'admin', path: 'admin', children: [{ id: 'admin-action', path: 'actions/:id' }] },
        { id: 'not-found', path: '*' },
      ],
    },
  ]

  test('gives the same, ranked matches however often it is asked', () => {
    for (let i = 0; i < 3; i++) {
      expect(ids(matchRoutes(routes, '/actions/free-ana'))).toEqual(['root', 'action'])
      expect(ids(matchRoutes(routes, '/actions/free-ana/check-email'))).toEqual([
        'root',
        'check-email',
      ])
      expect(ids(matchRoutes(routes, '/admin/actions/7'))).toEqual([
        'root',
        'admin',
        'admin-action',
      ])
      expect(ids(matchRoutes(routes, '/'))).toEqual(['root', 'home'])
      expect(ids(matchRoutes(routes, '/nowhere'))).toEqual(['root', 'not-found'])
    }
    expect(matchRoutes(routes, '/actions/free%20ana')?.[1]?.params).toEqual({ slug: 'free ana' })
  })

  test('answers from each routes array, not from the first one it saw', () => {
    const other = [{ id: 'only', path: '/only/:x' }]
    expect(ids(matchRoutes(routes, '/only/1'))).toEqual(['root', 'not-found'])
    expect(ids(matchRoutes(other, '/only/1'))).toEqual(['only'])
    expect(matchRoutes(other, '/actions/free-ana')).toBeNull()
  })

  test('keeps case sensitivity and end matching apart for the same path', () => {
    expect(matchPath({ path: '/Actions', caseSensitive: true }, '/actions')).toBeNull()
    expect(matchPath({ path: '/Actions', caseSensitive: false }, '/actions')).not.toBeNull()
    expect(matchPath({ path: '/actions', end: true }, '/actions/x')).toBeNull()
    expect(matchPath({ path: '/actions', end: false }, '/actions/x')?.pathnameBase).toBe('/actions')
  })
})
