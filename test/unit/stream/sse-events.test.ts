import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SSE_HINTS } from '@/components/ui/sse-hints'
import { FRAME_TYPES } from '@/lib/typed/frames'

const root = path.resolve(import.meta.dirname, '../../..')

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The SSE event names the server code sends: `event: '<name>'` literals, and the typed streams' frame types. */
function sentEventNames(): string[] {
  const names = new Set<string>(FRAME_TYPES)
  for (const file of [...sources(path.join(root, 'lib')), ...sources(path.join(root, 'app'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bevent: '([\w-]+)'/g)) names.add(m[1]!)
  }
  return [...names].sort()
}

describe('SSE event names (document 004: onmessage gets only unnamed events)', () => {
  const names = sentEventNames()

  it('finds the names the server sends (the test looks where they are)', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'metrics',
        'data',
        'control',
        'streams',
        'progress',
        'done',
        'error',
        'start',
        'chunk',
        'complete',
        'cancel',
      ]),
    )
  })

  it('lists every one in docs/architecture.md', () => {
    const doc = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8')
    const section = doc.slice(doc.indexOf('## Server-Sent Events'))
    expect(section.length).toBeGreaterThan(100)
    expect(names.filter((name) => !section.includes(`\`${name}\``))).toEqual([])
  })

  it('shows every one in a page’s EventSource hint', () => {
    const hints = Object.values(SSE_HINTS).map((hint) => (typeof hint === 'function' ? hint('x') : hint))
    const shown = new Set(hints.flatMap((hint) => hint.events.map((e) => e.name)))
    expect(names.filter((name) => !shown.has(name))).toEqual([])
  })
})
