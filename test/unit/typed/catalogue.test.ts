import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { GET } from '@/app/api/typed/route'
import { catalogue, typedEndpoints } from '@/app/api/typed/catalogue'

const root = path.resolve(import.meta.dirname, '../../..')

/** Every `route.ts` that serves a typed stream: its path (from where the file is), its definition's symbol, its `path` option and methods. */
function streamRoutes(
  dir = path.join(root, 'app'),
): Array<{ file: string; route: string; symbol: string; path: string; methods: string[] }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return streamRoutes(full)
    if (entry.name !== 'route.ts') return []
    const source = readFileSync(full, 'utf8')
    const call = /export const \{([^}]*)\} = streamRoute\((\w+), \{[^}]*path: '([^']+)'/.exec(source)
    if (!call) return []
    return [
      {
        file: path.relative(root, full),
        route: '/' + path.relative(path.join(root, 'app'), dir).split(path.sep).join('/'),
        symbol: call[2]!,
        path: call[3]!,
        methods: call[1]!.split(',').map((m) => m.trim()),
      },
    ]
  })
}

describe('the typed endpoints catalogue', () => {
  const routes = streamRoutes()

  it('finds the typed stream routes (the test looks where they are)', () => {
    expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining(['/api/jobs/import', '/api/typed/answer', '/api/typed/countdown']))
  })

  it('lists every streamRoute, with the path and methods its route file serves', () => {
    const listed = typedEndpoints.map((e) => ({ path: e.path, methods: [...e.methods].sort() }))
    const served = routes.map((r) => {
      expect(r.path, `${r.file}: the path option is where the file is`).toBe(r.route)
      return { path: r.path, methods: [...r.methods].sort() }
    })
    expect(listed.sort((a, b) => a.path.localeCompare(b.path))).toEqual(served.sort((a, b) => a.path.localeCompare(b.path)))
  })

  it('has one entry per name and path, each with a description', () => {
    expect(new Set(typedEndpoints.map((e) => e.definition.name)).size).toBe(typedEndpoints.length)
    expect(new Set(typedEndpoints.map((e) => e.path)).size).toBe(typedEndpoints.length)
    for (const e of typedEndpoints) expect(e.description.length, e.path).toBeGreaterThan(20)
  })

  it('gives the input as a client may send it: defaults are optional, with their values', () => {
    const countdown = catalogue().find((e) => e.name === 'countdown')!
    expect(countdown.schemas.input).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        from: { type: 'integer', minimum: 1, maximum: 1000, default: 5, description: 'The number to count down from' },
        delayMs: { type: 'integer', minimum: 0, maximum: 10000, default: 500, description: 'The pause between two numbers, in ms' },
      },
    })
    const answer = catalogue().find((e) => e.name === 'answer')!
    expect(answer.schemas.input).toMatchObject({
      type: 'object',
      required: ['prompt'],
      properties: {
        prompt: { type: 'string', minLength: 1, maxLength: 4000 },
        reasoning: { type: 'boolean', default: false },
        maxOutputTokens: { type: 'integer', minimum: 1, maximum: 4000, default: 800 },
      },
    })
    const importer = catalogue().find((e) => e.name === 'import')!
    expect(importer.schemas.input).toMatchObject({
      properties: { source: { type: 'string', enum: ['generated', 'upload'], default: 'generated' } },
    })
    expect(importer.upload?.accept).toContain('text/csv')
  })

  it('gives chunks and finals as the server sends them: every field required', () => {
    const countdown = catalogue().find((e) => e.name === 'countdown')!
    expect(countdown.schemas.chunk).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { n: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } },
      required: ['n'],
      additionalProperties: false,
    })
    const answer = catalogue().find((e) => e.name === 'answer')!
    expect(answer.schemas.chunk).toMatchObject({
      properties: { kind: { enum: ['text', 'reasoning'] }, delta: { type: 'string' } },
      required: ['kind', 'delta'],
    })
    expect(answer.schemas.final).toMatchObject({ required: ['text', 'finishReason', 'usage', 'model'] })
    expect((answer.schemas.final.properties as { finishReason: { enum: string[] } }).finishReason.enum).toEqual(
      expect.arrayContaining(['stop', 'length', 'cancelled']),
    )
  })

  it('GET /api/typed answers the catalogue as JSON', async () => {
    const response = await GET(new Request('http://localhost/api/typed'), {})
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await response.json()) as { endpoints: Array<{ name: string; path: string; methods: string[]; schemas: object }> }
    expect(body.endpoints.map((e) => `${e.name} ${e.path}`)).toEqual([
      'import /api/jobs/import',
      'answer /api/typed/answer',
      'countdown /api/typed/countdown',
    ])
    expect(body).toEqual(JSON.parse(JSON.stringify({ endpoints: catalogue() })))
  })
})
