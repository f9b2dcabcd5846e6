import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { listChatsQuery } from '@/app/api/chats/schema'
import { exportQuery } from '@/app/api/jobs/export/schema'
import { listQuery } from '@/app/api/durable/schema'
import { wordsQuery } from '@/app/api/words/schema'
import { chatIdSchema, flag, paging, parseUploadId, parseUploadName } from '@/lib/contract'
import { z } from 'zod'

describe('the request contract’s atoms (lib/contract.ts)', () => {
  it('flag: 1/true on, 0/false off, anything else refused', () => {
    expect(['1', 'true', '0', 'false'].map((v) => flag.parse(v))).toEqual([true, true, false, false])
    for (const bad of ['yes', 'TRUE', '', '2']) expect(flag.safeParse(bad).success, bad).toBe(false)
    expect(z.strictObject({ on: flag.default(false) }).parse({})).toEqual({ on: false })
  })

  it('paging: limit 1–1000 with the route’s default, offset ≥ 0 (default 0)', () => {
    const page = z.strictObject(paging(50))
    expect(page.parse({})).toEqual({ limit: 50, offset: 0 })
    expect(page.parse({ limit: '1000', offset: '7' })).toEqual({ limit: 1000, offset: 7 })
    for (const bad of [{ limit: '0' }, { limit: '1001' }, { offset: '-1' }, { limit: '1.5' }])
      expect(page.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })

  it('ids and names: the same checks for the guard and the handlers', () => {
    expect(chatIdSchema.safeParse('abc_DEF-1').success).toBe(true)
    expect(chatIdSchema.safeParse('../x').success).toBe(false)
    expect(parseUploadId('A'.repeat(16))).toBe('A'.repeat(16))
    expect(() => parseUploadId('short')).toThrow(expect.objectContaining({ code: 'bad_request:upload_id' }))
    expect(() => parseUploadName('../etc/passwd')).toThrow(expect.objectContaining({ code: 'bad_request:name' }))
  })
})

describe('query schemas', () => {
  it('refuse a parameter they do not know, on every route (strict)', () => {
    expect(listChatsQuery.safeParse({ limit: '5', extra: '1' }).success).toBe(false)
    expect(exportQuery.safeParse({ format: 'csv', gizp: '1' }).success).toBe(false)
    expect(wordsQuery.safeParse({ count: '3', stmp: '1' }).success).toBe(false)
    expect(listQuery.safeParse({ metadata: {}, namespce: 'x' }).success).toBe(false)
    expect(listQuery.parse({ metadata: {}, live: 'sse' })).toMatchObject({ limit: 100, offset: 0, live: 'sse' })
  })

  it('are all strict objects (every app/api/**/schema.ts query schema is built with z.strictObject)', () => {
    const schemas: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else if (entry.name === 'schema.ts') schemas.push(full)
      }
    }
    walk(path.resolve(import.meta.dirname, '../../app/api'))
    const loose = schemas.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/export const (\w*Query)\s*=\s*(?:z\s*\.\s*)?(\w+)/g)]
        .filter(([, , builder]) => builder !== 'strictObject')
        .map(([, name]) => `${path.relative(process.cwd(), file)}: ${name}`),
    )
    expect(loose).toEqual([])
  })
})
