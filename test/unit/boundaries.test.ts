import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The layers as tests: the boundary rule of `eslint.config.mjs` is in force (a reach-in across
 * features fails `npm run lint`), every feature has a front door, and the import graph between
 * the parts of `lib/` has no cycle.
 */

const repo = path.resolve(import.meta.dirname, '../..')
const lib = path.join(repo, 'lib')
const features = readdirSync(lib, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

describe('the boundary rule (eslint.config.mjs)', () => {
  const eslint = new ESLint({ cwd: repo })
  /** The boundary messages ESLint gives for `code` as if it were the file `file`. */
  async function boundaryErrors(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) })
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2).map((m) => m.message)
  }

  it('refuses a reach-in across features, from lib/, a shared module, a route and the root files', { timeout: 60_000 }, async () => {
    const reachIn = "import { streams } from '@/lib/durable/service'\nexport const x = streams\n"
    for (const file of ['lib/chat/probe.ts', 'lib/jobs/deep/probe.ts', 'lib/probe.ts', 'app/api/probe/route.ts', 'proxy.ts']) {
      expect(await boundaryErrors(file, reachIn), file).toEqual([expect.stringContaining('front door')])
    }
    // A relative path that climbs out of a folder of lib/ is refused too.
    expect(await boundaryErrors('lib/jobs/probe.ts', "import { x } from '../chat/probe'\nexport const y = x\n")).toHaveLength(1)
  })

  it('lets a feature import its own files, and others through their doors', { timeout: 60_000 }, async () => {
    const allowed = [
      "import { streams } from '@/lib/durable'",
      "import { createBodySchema } from '@/lib/durable/client'",
      "import { config } from '@/lib/config'",
      "import { chatStore } from '@/lib/chat/instance'", // the chat's own file
    ].join('\n')
    expect(await boundaryErrors('lib/chat/probe.ts', `${allowed}\nexport const all = [streams, createBodySchema, config, chatStore]\n`)).toEqual([])
  })
})

describe('features', () => {
  it('each has a front door (index.ts)', () => {
    for (const feature of features) expect(readdirSync(path.join(lib, feature)), feature).toContain('index.ts')
  })
})

/** The part of lib/ a file belongs to: its folder (`durable`) or, for a file directly in lib/, its name (`config`). */
function partOf(file: string): string | undefined {
  const relative = path.relative(lib, file)
  if (relative.startsWith('..')) return undefined
  const [first, ...rest] = relative.split(path.sep)
  return rest.length > 0 ? first : first!.replace(/\.tsx?$/, '')
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.tsx?$/.test(entry.name) ? [full] : []
  })
}

/** Which part of lib/ imports which (static, dynamic, type-only and re-exports alike). */
function partGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(lib)) {
    const from = partOf(file)!
    const edges = graph.get(from) ?? new Set<string>()
    graph.set(from, edges)
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      const target = fileName.startsWith('@/') ? path.join(repo, fileName.slice(2)) : fileName.startsWith('.') ? path.resolve(path.dirname(file), fileName) : undefined
      const to = target === undefined ? undefined : partOf(target.endsWith('.ts') ? target : `${target}.ts`)
      if (to !== undefined && to !== from) edges.add(to)
    }
  }
  return graph
}

/** The first cycle found, as a path `a → b → … → a`, or `undefined`. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    stack.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

describe('the import graph of lib/', () => {
  it('has no cycle between features (or the shared modules beside them)', () => {
    expect(findCycle(partGraph())?.join(' → ')).toBeUndefined()
  })

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['chat', new Set(['ai'])],
      ['ai', new Set(['access', 'chat'])],
      ['access', new Set<string>()],
    ])
    expect(findCycle(graph)).toEqual(['ai', 'chat', 'ai'])
  })

  it('keeps the platform layer (lib/redis) free of features', () => {
    const imported = [...(partGraph().get('redis') ?? [])]
    expect(imported.filter((part) => features.includes(part))).toEqual([])
  })
})
