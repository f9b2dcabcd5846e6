import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnyStreamDefinition } from '@/lib/typed-stream/define'
import { collectFrames } from '@/lib/typed-stream/testing'

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
    for (const file of ['lib/typed/price-ticks.ts', 'app/api/typed/price-ticks/route.ts', 'test/unit/typed/price-ticks.test.ts']) {
      expect(existsSync(path.join(root, file)), file).toBe(true)
      expect(result.stdout).toContain(`created ${file}`)
    }
    const route = await readFile(path.join(root, 'app/api/typed/price-ticks/route.ts'), 'utf8')
    expect(route).toContain("import { priceTicksStream } from '@/lib/typed/price-ticks'")
    expect(route).toContain("export const { GET, POST, DELETE } = streamRoute(priceTicksStream, { path: '/api/typed/price-ticks' })")
  })

  it('generates a definition that runs and keeps the frame invariants', async () => {
    const mod = (await import(path.join(root, 'lib/typed/price-ticks.ts'))) as { priceTicksStream: AnyStreamDefinition }
    const definition = mod.priceTicksStream
    expect(definition.name).toBe('price-ticks')
    const frames = await collectFrames(definition, { count: 3 })
    expect(frames.map((f) => f.type)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'complete'])
    expect(frames.at(-1)!.data).toEqual({ steps: 3 })
    expect(definition.input.safeParse({ count: 0 }).success).toBe(false)
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
