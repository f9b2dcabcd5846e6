#!/usr/bin/env node
// Scaffolds a typed stream: its definition, its route and a unit test.
//
//   npm run new:stream <name> [-- --root <dir>] [-- --force]
//
// <name> is kebab-case (e.g. `price-ticks`). Files, relative to the project root (or --root)
// (`/api/typed/`, not `/api/streams/`: that path belongs to the durable streams):
//   lib/typed/<name>.ts                 the definition (schemas + handler), a working example to edit
//   app/api/typed/<name>/route.ts       the one-line route: POST/GET open it, DELETE cancels it
//   test/unit/typed/<name>.test.ts      a unit test running it without a server
// and its rows in the access table (lib/access/table.ts), when the root has one: anyone may open
// it, its caller alone may cancel it. Edit the rows if the stream needs more.
// Existing files are never overwritten unless --force is given.
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'

const usage = 'Usage: npm run new:stream <name> [-- --root <dir>] [-- --force]   (name: kebab-case, e.g. price-ticks)'

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { root: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (error) {
    fail(`${error.message}\n${usage}`)
  }
})()

if (values.help) {
  console.log(usage)
  process.exit(0)
}
const name = positionals[0]
if (!name || positionals.length > 1) fail(usage)
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) fail(`"${name}" is not kebab-case (a-z, 0-9 and single dashes, starting with a letter).\n${usage}`)

const camel = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())
const symbol = `${camel}Stream`
const root = path.resolve(values.root ?? path.join(import.meta.dirname, '..'))

const files = {
  [`lib/typed/${name}.ts`]: `import { z } from 'zod'
import { defineStream } from '@/lib/typed-stream/define'

/**
 * The \`${name}\` stream: counts up to \`count\`, one chunk per step, then completes.
 * Replace the schemas and the handler with your own; the frame invariants stay the library's job.
 */
export const ${symbol} = defineStream({
  name: '${name}',
  input: z.object({ count: z.number().int().min(1).max(1_000).default(3) }),
  chunk: z.object({ step: z.number().int() }),
  final: z.object({ steps: z.number().int() }),
  handler: async function ${camel}({ count }, writer) {
    let steps = 0
    while (steps < count && !writer.cancelled) {
      steps++
      await writer.write({ step: steps }) // resolves at the client's reading pace
    }
    writer.close({ steps })
  },
})
`,
  [`app/api/typed/${name}/route.ts`]: `import { ${symbol} } from '@/lib/typed/${name}'
import { streamRoute } from '@/lib/typed-stream/route'

/** POST (JSON input) or GET (query input) opens the stream as SSE; DELETE ?stream=<id> cancels it. */
export const { GET, POST, DELETE } = streamRoute(${symbol}, { path: '/api/typed/${name}' })
`,
  [`test/unit/typed/${name}.test.ts`]: `import { describe, expect, it } from 'vitest'
import { ${symbol} } from '@/lib/typed/${name}'
import { collectFrames } from '@/lib/typed-stream/testing'

describe('${name} stream', () => {
  it('sends start, one chunk per step and complete', async () => {
    const frames = await collectFrames(${symbol}, { count: 2 })
    expect(frames.map((frame) => frame.type)).toEqual(['start', 'chunk', 'chunk', 'complete'])
    expect(frames.at(-1)?.data).toEqual({ steps: 2 })
  })

  it('refuses input outside its schema', () => {
    expect(${symbol}.input.safeParse({ count: 0 }).success).toBe(false)
  })
})
`,
}

const existing = Object.keys(files).filter((file) => existsSync(path.join(root, file)))
if (existing.length && !values.force) fail(`Not overwriting existing files (use --force):\n  ${existing.join('\n  ')}`)

for (const [file, text] of Object.entries(files)) {
  const target = path.join(root, file)
  await mkdir(path.dirname(target), { recursive: true })
  await writeFile(target, text)
  console.log(`created ${file}`)
}

// The route's rows in the access table: every route has one, or it does not build.
const table = path.join(root, 'lib/access/table.ts')
const MARKER = '  // new:stream adds rows above this line'
if (existsSync(table)) {
  const text = await readFile(table, 'utf8')
  const key = `/api/typed/${name}`
  if (!text.includes(`'GET ${key}'`) && text.includes(MARKER)) {
    const rows = [
      `  'GET ${key}': { who: 'visitor', says: 'opens the ${name} typed stream (query input)' },`,
      `  'POST ${key}': { who: 'visitor', sameSite: true, says: 'opens the ${name} typed stream (JSON input)' },`,
      `  'DELETE ${key}': { who: 'owner', resource: { kind: 'typed-stream', id: { query: 'stream' } }, sameSite: true, says: 'cancels the caller’s ${name} stream' },`,
    ]
    await writeFile(table, text.replace(MARKER, `${rows.join('\n')}\n${MARKER}`))
    console.log('added its rows to lib/access/table.ts')
  }
}
console.log(`
Next:
  npx vitest run test/unit/typed/${name}.test.ts
  npm run build && npm start
  curl -N -X POST localhost:3000/api/typed/${name} -H 'content-type: application/json' -d '{"count":3}'
Client: openStream<typeof ${symbol}>('/api/typed/${name}', { count: 3 })  (import type { ${symbol} } from '@/lib/typed/${name}')`)

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(message)
  process.exit(1)
}
