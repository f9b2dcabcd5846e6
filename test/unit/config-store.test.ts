import { describe, expect, test } from 'vitest'
import { parseConfig } from '@/lib/config'

const parse = (vars: Record<string, string>) => parseConfig({ NODE_ENV: 'test', ...vars })

describe('choosing the durable-streams store', () => {
  test('embedded by default; Redis when REDIS_URL is set, unless SLUICE_STORE says embedded', () => {
    expect(parse({}).store.kind).toBe('embedded')
    expect(parse({ REDIS_URL: '' }).store.kind).toBe('embedded')
    expect(parse({ REDIS_URL: 'redis://127.0.0.1:6379' }).store.kind).toBe('redis')
    expect(parse({ REDIS_URL: 'rediss://user:pw@example.com:6380/0', SLUICE_STORE: 'redis' }).store.kind).toBe('redis')
    expect(parse({ REDIS_URL: 'redis://127.0.0.1:6379', SLUICE_STORE: 'embedded' }).store.kind).toBe('embedded')
    expect(parse({ REDIS_URL: 'redis://h:1' }).store).toEqual({ kind: 'redis', url: 'redis://h:1', prefix: 'sluice:' })
  })

  test('bad settings fail at start-up, naming the variable and why', () => {
    expect(() => parse({ SLUICE_STORE: 'redis' })).toThrow(/SLUICE_STORE: SLUICE_STORE=redis needs REDIS_URL/)
    expect(() => parse({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/)
    expect(() => parse({ SLUICE_STORE: 'memcached' })).toThrow(/SLUICE_STORE/)
    expect(() => parse({ SLUICE_REDIS_PREFIX: 'a{b}:' })).toThrow(/SLUICE_REDIS_PREFIX: must not contain braces/)
  })

  test('a Redis password in REDIS_URL never appears in an error message', () => {
    expect(() => parse({ REDIS_URL: 'redis://:s3cret@host:6379', SLUICE_STORE: 'memcached' })).toThrow(/^(?![\s\S]*s3cret)/)
  })
})
