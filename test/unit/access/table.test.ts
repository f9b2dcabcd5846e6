import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { accessTable } from '@/lib/access/table'

const root = path.resolve(import.meta.dirname, '../../..')
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** Every `route.ts` under `app/`, as the route path Next.js serves it from. */
function routeFiles(dir = path.join(root, 'app')): Array<{ file: string; route: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return routeFiles(full)
    if (entry.name !== 'route.ts') return []
    const route =
      '/' +
      path
        .relative(path.join(root, 'app'), dir)
        .split(path.sep)
        .filter((s) => !/^\(.*\)$/.test(s))
        .join('/')
    return [{ file: path.relative(root, full), route }]
  })
}

/** The HTTP methods a route file exports (`export const GET`, `export const { POST, DELETE }`). */
function exportedMethods(source: string): string[] {
  const found = new Set<string>()
  for (const m of source.matchAll(/export\s+(?:const|async function|function)\s+([A-Z]+)\b/g)) found.add(m[1]!)
  for (const m of source.matchAll(/export\s+const\s+\{([^}]*)\}/g)) for (const name of m[1]!.split(',')) found.add(name.trim())
  return [...found].filter((name) => (METHODS as readonly string[]).includes(name))
}

describe('the access table', () => {
  const files = routeFiles()
  const served = files.flatMap(({ file, route }) =>
    exportedMethods(readFileSync(path.join(root, file), 'utf8')).map((method) => ({ file, key: `${method} ${route}` })),
  )

  it('finds the route files (the test looks where the routes are)', () => {
    expect(files.length).toBeGreaterThan(20)
    expect(served.map((s) => s.key)).toContain('DELETE /api/chats/[id]')
    expect(served.map((s) => s.key)).toContain('POST /v1/stream/[...path]')
  })

  /** Every Pages API route file, with the row keys its handlers run under. */
  const pagesApi = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? pagesApi(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    )
  const pages = pagesApi(path.join(root, 'pages', 'api')).map((file) => {
    const name = path.relative(root, file)
    const source = readFileSync(file, 'utf8')
    const single = /export default nodeRoute[^(]*\('([^']+)'/.exec(source)?.[1]
    const several = /export default nodeRoutes\(\{([^]*?)\}\)/.exec(source)?.[1]
    const methods = [...(several ?? '').matchAll(/(\w+): nodeRoute[^(]*\('([^']+)'/g)].map((m) => ({ method: m[1]!, key: m[2]! }))
    return { name, keys: single !== undefined ? [single] : methods.map((m) => m.key), methods }
  })

  it('every Pages API route runs under a row, through nodeRoute() (one per method under nodeRoutes())', () => {
    for (const { name, keys, methods } of pages) {
      for (const { method, key } of methods)
        expect(key.startsWith(`${method} `), `${name}: ${method} must run under a ${method} row, not ${key}`).toBe(true)
      expect(
        keys.length,
        `${name} must export default nodeRoute('<METHOD> <route>', …) or nodeRoutes({ METHOD: nodeRoute(…) })`,
      ).toBeGreaterThan(0)
      for (const key of keys) expect(key in accessTable, `${key} (${name}) has no access row`).toBe(true)
    }
  })

  it('a Pages API route outside pages/api/node/ serves its own path, so its row names the URL it answers', () => {
    const own = pages.filter(({ name }) => !name.startsWith(path.join('pages', 'api', 'node') + path.sep))
    expect(own.map((p) => p.name)).toContain(path.join('pages', 'api', 'feed.ts'))
    for (const { name, keys } of own) {
      const served =
        '/' +
        name
          .replace(/^pages\//, '')
          .replace(/\.ts$/, '')
          .replace(/\/index$/, '')
      for (const key of keys) expect(key.slice(key.indexOf(' ') + 1), name).toBe(served)
    }
  })

  it('has a row for every method of every route', () => {
    const missing = served.filter(({ key }) => !(key in accessTable)).map(({ file, key }) => `${key} (${file})`)
    expect(missing, 'routes without an access row: add them to lib/access/table.ts and docs/security.md').toEqual([])
  })

  it('has no row for a route or method that does not exist', () => {
    const keys = new Set([...served.map((s) => s.key), ...pages.flatMap((p) => p.keys)])
    expect(Object.keys(accessTable).filter((key) => !keys.has(key))).toEqual([])
  })

  it('gives every row that names a resource a resource, and every state change from a page the same-site check', () => {
    for (const [key, row] of Object.entries(accessTable)) {
      const r = row as { who: string; resource?: unknown; sameSite?: boolean }
      if (r.who === 'owner' || r.who === 'link') expect(r.resource, key).toBeDefined()
      const method = key.split(' ')[0]!
      const state = !['GET', 'HEAD', 'OPTIONS'].includes(method)
      const ownPages = r.who === 'visitor' || r.who === 'owner' || r.who === 'operator'
      if (state && ownPages) expect(r.sameSite, `${key} changes state for the app's pages`).toBe(true)
    }
  })

  it('is the table docs/security.md shows', () => {
    const doc = readFileSync(path.join(root, 'docs/security.md'), 'utf8')
    const undocumented = Object.keys(accessTable).filter((key) => !doc.includes(`\`${key}\``))
    expect(undocumented, 'rows missing from docs/security.md').toEqual([])
  })
})
