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
/**
 * Folders of `lib/` with a front door like a feature's, but that belong to the shared modules
 * (layer 1, which the platform layer may use): the configuration, one file per group of variables.
 */
const SHARED_FOLDERS = ['config']
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

  it(
    'refuses a reach-in across features, from lib/, a shared module, a route, a page, a component and the root files',
    { timeout: 60_000 },
    async () => {
      const reachIn = "import { streams } from '@/lib/durable/service'\nexport const x = streams\n"
      for (const file of [
        'lib/chat/probe.ts',
        'lib/jobs/deep/probe.ts',
        'lib/probe.ts',
        'app/api/probe/route.ts',
        'app/probe/page.tsx',
        'components/probe/probe.tsx',
        'pages/api/probe.ts',
        'proxy.ts',
      ]) {
        expect(await boundaryErrors(file, reachIn), file).toEqual([expect.stringContaining('front door')])
      }
      // A relative path that climbs out of a folder of lib/ is refused too.
      expect(await boundaryErrors('lib/jobs/probe.ts', "import { x } from '../chat/probe'\nexport const y = x\n")).toHaveLength(1)
    },
  )

  it('lets a feature import its own files, and others through their doors', { timeout: 60_000 }, async () => {
    const allowed = [
      "import { streams } from '@/lib/durable'",
      "import { createBodySchema } from '@/lib/durable/client'",
      "import { config } from '@/lib/config'",
      "import { chatStore } from '@/lib/chat/instance'", // the chat's own file
    ].join('\n')
    expect(
      await boundaryErrors('lib/chat/probe.ts', `${allowed}\nexport const all = [streams, createBodySchema, config, chatStore]\n`),
    ).toEqual([])
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
      const target = fileName.startsWith('@/')
        ? path.join(repo, fileName.slice(2))
        : fileName.startsWith('.')
          ? path.resolve(path.dirname(file), fileName)
          : undefined
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
    expect(imported.filter((part) => features.includes(part) && !SHARED_FOLDERS.includes(part))).toEqual([])
  })
})

/** The modules a file loads at run time (type-only imports and exports are erased, so they do not count). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    false,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  )
  const found: string[] = []
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause
      if (clause?.isTypeOnly) continue
      const named = clause?.namedBindings
      const onlyTypes =
        clause !== undefined &&
        !clause.name &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly)
      if (!onlyTypes) found.push((statement.moduleSpecifier as ts.StringLiteral).text)
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      if (statement.isTypeOnly) continue
      const clause = statement.exportClause
      if (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)) continue
      found.push((statement.moduleSpecifier as ts.StringLiteral).text)
    }
  }
  return found
}

function resolveSource(from: string, specifier: string): string | undefined {
  const base = specifier.startsWith('@/')
    ? path.join(repo, specifier.slice(2))
    : specifier.startsWith('.')
      ? path.resolve(path.dirname(from), specifier)
      : undefined
  if (base === undefined) return undefined
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    try {
      if (readFileSync(candidate) && /\.tsx?$/.test(candidate)) return candidate
    } catch {
      // not this one
    }
  }
  return undefined
}

/** Packages a browser bundle must not pull (Node built-ins are refused by their `node:` prefix). */
const SERVER_ONLY = ['redis', 'next/headers', 'next/server']

describe('browser-safe doors (client.ts)', () => {
  const doors = features.filter((feature) => readdirSync(path.join(lib, feature)).includes('client.ts'))

  it.each(doors)('@/lib/%s/client loads no Node module and no server-only package', (feature) => {
    const seen = new Set<string>()
    const offending: string[] = []
    const visit = (file: string, trail: string[]) => {
      if (seen.has(file)) return
      seen.add(file)
      for (const specifier of runtimeImports(file)) {
        if (specifier.startsWith('node:') || SERVER_ONLY.includes(specifier))
          offending.push([...trail, path.relative(repo, file), specifier].join(' → '))
        const next = resolveSource(file, specifier)
        if (next) visit(next, [...trail, path.relative(repo, file)])
      }
    }
    visit(path.join(lib, feature, 'client.ts'), [])
    expect(offending).toEqual([])
  })
})
