#!/usr/bin/env node
// Scaffolds a typed stream: its definition, its route and a unit test.
//
//   npm run new:stream <name> [-- --root <dir>] [-- --force]
//
// <name> is kebab-case (e.g. `price-ticks`). Files, relative to the project root (or --root), where
// the app's typed endpoints live (`/api/typed/`, not `/api/durable/`: that path belongs to the
// durable streams):
//   lib/typed/endpoints/<name>.ts       the definition (schemas + handler): a working countdown to edit
//   app/api/typed/<name>/route.ts       the one-line route: POST/GET open it, DELETE cancels it
//   test/unit/typed/<name>.test.ts      a unit test running it without a server
// and, in the files the root has, its registration: its rows in the access table
// (lib/access/table.ts) and in docs/security.md — anyone may open it, its caller alone may cancel
// it; edit the rows if the stream needs more — and its endpoint in the catalogue
// (app/api/typed/catalogue.ts: GET /api/typed and the /typed page list it). `countdown` in the
// repository is this script's output, committed as its example.
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
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name))
  fail(`"${name}" is not kebab-case (a-z, 0-9 and single dashes, starting with a letter).\n${usage}`)

const camel = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())
const symbol = `${camel}Stream`
const root = path.resolve(values.root ?? path.join(import.meta.dirname, '..'))

const files = {
  [`lib/typed/endpoints/${name}.ts`]: `import { z } from 'zod'
import { sleep } from '@/lib/async'
import { defineStream } from '@/lib/typed/define'

/**
 * The \`${name}\` stream: counts down from \`from\` to 1, one chunk per number, pausing \`delayMs\`
 * between them, then completes with how many it sent. Replace the schemas and the handler with
 * your own; the frame invariants (one terminal frame, nothing after it) stay the library's job.
 */
export const ${symbol} = defineStream({
  name: '${name}',
  // z.coerce: the input may come from a query string (GET), where every value is a string.
  input: z.object({
    from: z.coerce.number<number>().int().min(1).max(1_000).default(5).describe('The number to count down from'),
    delayMs: z.coerce.number<number>().int().min(0).max(10_000).default(500).describe('The pause between two numbers, in ms'),
  }),
  chunk: z.object({ n: z.number().int() }),
  final: z.object({ sent: z.number().int() }),
  handler: async function ${camel}({ from, delayMs }, writer) {
    let sent = 0
    try {
      for (let n = from; n > 0; n--) {
        await writer.write({ n }) // resolves at the client's reading pace; rejects once cancelled
        sent++
        if (n > 1 && delayMs > 0) await sleep(delayMs, writer.signal)
      }
    } catch (error) {
      if (!writer.cancelled) throw error
    }
    writer.close({ sent }) // after a cancel, this is the \`cancel\` frame's partial result
  },
})
`,
  [`app/api/typed/${name}/route.ts`]: `import { ${symbol}, streamRoute } from '@/lib/typed'

/** Seconds this route may run on Vercel (it streams for long). */
export const maxDuration = 300

/** POST (JSON input) or GET (query input) opens the stream as SSE; DELETE ?stream=<id> cancels it. */
export const { GET, POST, DELETE } = streamRoute(${symbol}, { path: '/api/typed/${name}' })
`,
  [`test/unit/typed/${name}.test.ts`]: `import { describe, expect, it } from 'vitest'
import { ${symbol} } from '@/lib/typed'
import { collectFrames } from '@/lib/typed/testing'

describe('${name} stream', () => {
  it('sends start, one chunk per number down to 1, and complete', async () => {
    const frames = await collectFrames(${symbol}, { from: 3, delayMs: 0 })
    expect(frames.map((frame) => frame.type)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'complete'])
    expect(frames.filter((frame) => frame.type === 'chunk').map((frame) => frame.data)).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }])
    expect(frames.at(-1)?.data).toEqual({ sent: 3 })
  })

  it('takes its input from a query string too, and refuses input outside its schema', () => {
    expect(${symbol}.input.parse({ from: '2', delayMs: '0' })).toEqual({ from: 2, delayMs: 0 })
    expect(${symbol}.input.safeParse({ from: 0 }).success).toBe(false)
    expect(${symbol}.input.safeParse({ from: 'ten' }).success).toBe(false)
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

// Registration, in the files the root has (a temp root in the scaffold's own tests may have none):
// the route's rows in the access table (every route has one, or it does not build) and in
// docs/security.md (the table in words), the definition in the front door of lib/typed (the route
// imports it from there), and the endpoint in the catalogue (GET /api/typed, /typed).
const key = `/api/typed/${name}`
await insertAbove('lib/access/table.ts', '  // new:stream adds rows above this line', `'GET ${key}'`, [
  `  'GET ${key}': { who: 'visitor', says: 'opens the ${name} typed stream (query input)' },`,
  `  'POST ${key}': { who: 'visitor', sameSite: true, says: 'opens the ${name} typed stream (JSON input)' },`,
  `  'DELETE ${key}': { who: 'owner', resource: { kind: 'typed-stream', id: { query: 'stream' } }, sameSite: true, says: 'cancels the caller’s ${name} stream' },`,
])
await insertAbove('docs/security.md', '<!-- new:stream adds rows above this line -->', `\`GET ${key}\``, [
  `| \`GET ${key}\` | any visitor (gets an identity) |  |  | opens the ${name} typed stream (query input) |`,
  `| \`POST ${key}\` | any visitor (gets an identity) |  | yes | opens the ${name} typed stream (JSON input) |`,
  `| \`DELETE ${key}\` | owner | typed-stream (\`?stream=\`) | yes | cancels the caller’s ${name} stream |`,
])
await insertAbove('lib/typed/index.ts', '// new:stream adds exports above this line', `from './endpoints/${name}'`, [
  `export { ${symbol} } from './endpoints/${name}'`,
])
await insertAbove('app/api/typed/catalogue.ts', '// new:stream adds imports above this line', `import { ${symbol} }`, [
  `import { ${symbol} } from '@/lib/typed'`,
])
await insertAbove('app/api/typed/catalogue.ts', '  // new:stream adds endpoints above this line', `definition: ${symbol},`, [
  '  {',
  `    definition: ${symbol},`,
  `    path: '${key}',`,
  `    methods: ['GET', 'POST', 'DELETE'],`,
  `    description: 'Generated by \`npm run new:stream ${name}\`: counts down to 1, one chunk per step, with a pause between steps.',`,
  '  },',
])

console.log(`
Next:
  npx vitest run test/unit/typed/${name}.test.ts
  npm run build && npm start
  curl -N -X POST localhost:3000/api/typed/${name} -H 'content-type: application/json' -d '{"from":3}'
Client: openStream<typeof ${symbol}>('/api/typed/${name}', { from: 3 })  (import type { ${symbol} } from '@/lib/typed')`)

/** Inserts `lines` above the `marker` line of `file` (relative to the root), unless `present` is already there. */
async function insertAbove(file, marker, present, lines) {
  const target = path.join(root, file)
  if (!existsSync(target)) return
  const text = await readFile(target, 'utf8')
  if (text.includes(present) || !text.includes(marker)) return
  await writeFile(target, text.replace(marker, `${lines.join('\n')}\n${marker}`))
  console.log(`registered it in ${file}`)
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(message)
  process.exit(1)
}
