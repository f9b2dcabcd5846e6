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
    expect(parse({ REDIS_URL: 'redis://h:1' }).store).toEqual({
      kind: 'redis',
      target: { kind: 'server', url: 'redis://h:1' },
      prefix: 'sluice:',
      connectTimeoutMs: 10_000,
      minReplicas: 0,
      waitTimeoutMs: 1_000,
    })
  })

  test('a Redis Cluster from REDIS_CLUSTER_NODES, with replicas required by SLUICE_REDIS_MIN_REPLICAS', () => {
    const store = parse({
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,rediss://:pw@cache.example:7002',
      SLUICE_REDIS_MIN_REPLICAS: '1',
    }).store
    expect(store).toMatchObject({
      kind: 'redis',
      target: { kind: 'cluster', nodes: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7001', 'rediss://:pw@cache.example:7002'] },
      minReplicas: 1,
    })
    expect(parse({ REDIS_CLUSTER_NODES: 'h:1', SLUICE_STORE: 'embedded' }).store.kind).toBe('embedded')
    expect(parse({ REDIS_CLUSTER_NODES: 'h:1', SLUICE_STORE: 'redis' }).store.kind).toBe('redis')
  })

  test('bad settings fail at start-up, naming the variable and why', () => {
    expect(() => parse({ SLUICE_STORE: 'redis' })).toThrow(/SLUICE_STORE: SLUICE_STORE=redis needs REDIS_URL/)
    expect(() => parse({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/)
    expect(() => parse({ SLUICE_STORE: 'memcached' })).toThrow(/SLUICE_STORE/)
    expect(() => parse({ SLUICE_REDIS_PREFIX: 'a{b}:' })).toThrow(/SLUICE_REDIS_PREFIX: must not contain braces/)
    expect(() => parse({ REDIS_CLUSTER_NODES: 'h:1,nope' })).toThrow(/REDIS_CLUSTER_NODES.*: each node must be host:port/)
    expect(() => parse({ REDIS_CLUSTER_NODES: ' , ' })).toThrow(/REDIS_CLUSTER_NODES: must name at least one node/)
    expect(() => parse({ REDIS_URL: 'redis://h:1', REDIS_CLUSTER_NODES: 'h:2' })).toThrow(/REDIS_CLUSTER_NODES: set either REDIS_URL/)
    expect(() => parse({ REDIS_URL: 'redis://h:1', SLUICE_REDIS_MIN_REPLICAS: '-1' })).toThrow(/SLUICE_REDIS_MIN_REPLICAS/)
  })

  test('a Redis password in REDIS_URL never appears in an error message', () => {
    expect(() => parse({ REDIS_URL: 'redis://:s3cret@host:6379', SLUICE_STORE: 'memcached' })).toThrow(/^(?![\s\S]*s3cret)/)
    expect(() => parse({ REDIS_CLUSTER_NODES: 'redis://:s3cret@host:6379,bad node' })).toThrow(/^(?![\s\S]*s3cret)/)
  })
})
