import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnyStreamDefinition } from '@/lib/typed/define'
import { collectFrames } from '@/lib/typed/testing'

const repo = path.resolve(import.meta.dirname, '../../..')
const script = path.join(repo, 'scripts/new-stream.mjs')
let root: string

function generate(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' })
}

// Inside the repository (git-ignored), so the generated files resolve `zod` and `@/lib/...`.
beforeAll(async () => {
  await mkdir(path.join(repo, 'test-results'), { recursive: true })
  root = await mkdtemp(path.join(repo, 'test-results/new-stream-'))
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

describe('npm run new:stream', () => {
  it('scaffolds a definition, its route and a test', async () => {
    const result = generate('price-ticks', '--root', root)
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    for (const file of [
      'lib/typed/endpoints/price-ticks.ts',
      'app/api/typed/price-ticks/route.ts',
      'test/unit/typed/price-ticks.test.ts',
    ]) {
      expect(existsSync(path.join(root, file)), file).toBe(true)
      expect(result.stdout).toContain(`created ${file}`)
    }
    const route = await readFile(path.join(root, 'app/api/typed/price-ticks/route.ts'), 'utf8')
    expect(route).toContain("import { priceTicksStream, streamRoute } from '@/lib/typed'")
    expect(route).toContain("export const { GET, POST, DELETE } = streamRoute(priceTicksStream, { path: '/api/typed/price-ticks' })")
  })

  it('generates a definition that runs and keeps the frame invariants', async () => {
    const mod = (await import(path.join(root, 'lib/typed/endpoints/price-ticks.ts'))) as { priceTicksStream: AnyStreamDefinition }
    const definition = mod.priceTicksStream
    expect(definition.name).toBe('price-ticks')
    const frames = await collectFrames(definition, { from: 3, delayMs: 0 })
    expect(frames.map((f) => f.type)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'complete'])
    expect(frames.filter((f) => f.type === 'chunk').map((f) => f.data)).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }])
    expect(frames.at(-1)!.data).toEqual({ sent: 3 })
    expect(definition.input.safeParse({ from: 0 }).success).toBe(false)
    // A GET's query string: every value a string.
    expect(definition.input.parse({ from: '4' })).toEqual({ from: 4, delayMs: 500 })
  })

  it('registers the endpoint in the access table, docs/security.md, the front door of lib/typed and the catalogue, once', async () => {
    const reg = await mkdtemp(path.join(repo, 'test-results/new-stream-reg-'))
    try {
      // The four files with only their markers, as in the repository.
      const markers: Record<string, string> = {
        'lib/access/table.ts': 'export const accessTable = {\n  // new:stream adds rows above this line\n}\n',
        'docs/security.md': '| route | who |\n|---|---|\n<!-- new:stream adds rows above this line -->\n',
        'lib/typed/index.ts': "export { a } from './a'\n// new:stream adds exports above this line\n",
        'app/api/typed/catalogue.ts':
          'import a from "a"\n// new:stream adds imports above this line\nexport const typedEndpoints = [\n  // new:stream adds endpoints above this line\n]\n',
      }
      for (const [file, text] of Object.entries(markers)) {
        await mkdir(path.dirname(path.join(reg, file)), { recursive: true })
        await writeFile(path.join(reg, file), text)
      }
      expect(generate('order-feed', '--root', reg).status).toBe(0)
      expect(generate('order-feed', '--root', reg, '--force').status).toBe(0) // a second run adds nothing
      const table = await readFile(path.join(reg, 'lib/access/table.ts'), 'utf8')
      for (const method of ['GET', 'POST', 'DELETE']) expect(table.split(`'${method} /api/typed/order-feed'`)).toHaveLength(2)
      const doc = await readFile(path.join(reg, 'docs/security.md'), 'utf8')
      for (const method of ['GET', 'POST', 'DELETE']) expect(doc.split(`| \`${method} /api/typed/order-feed\` |`)).toHaveLength(2)
      expect(doc.trimEnd().endsWith('<!-- new:stream adds rows above this line -->')).toBe(true)
      const door = await readFile(path.join(reg, 'lib/typed/index.ts'), 'utf8')
      expect(door.split("export { orderFeedStream } from './endpoints/order-feed'\n// new:stream adds exports")).toHaveLength(2)
      const catalogue = await readFile(path.join(reg, 'app/api/typed/catalogue.ts'), 'utf8')
      expect(catalogue.split("import { orderFeedStream } from '@/lib/typed'\n// new:stream adds imports")).toHaveLength(2)
      expect(catalogue).toMatch(
        /\{\n {4}definition: orderFeedStream,\n {4}path: '\/api\/typed\/order-feed',\n {4}methods: \['GET', 'POST', 'DELETE'\],\n/,
      )
      expect(catalogue.split('definition: orderFeedStream')).toHaveLength(2)
    } finally {
      await rm(reg, { recursive: true, force: true })
    }
  })

  it('never overwrites existing files without --force', async () => {
    const again = generate('price-ticks', '--root', root)
    expect(again.status).toBe(1)
    expect(again.stderr).toContain('Not overwriting existing files')
    expect(generate('price-ticks', '--root', root, '--force').status).toBe(0)
  })

  it('refuses a name that is not kebab-case, and no name at all', () => {
    for (const args of [['PriceTicks'], ['price_ticks'], ['-x'], []]) {
      const result = generate(...args, '--root', root)
      expect(result.status, args.join(' ')).toBe(1)
      expect(result.stderr).toMatch(/kebab-case|Usage/)
    }
  })
})
