import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GET as getImport } from '@/app/api/jobs/import/[id]/route'
import { exportDownload } from '@/lib/jobs/export'
import { importJob } from '@/lib/jobs/import-stream'
import { jobsStore } from '@/lib/jobs/instance'
import { RedisJobsStore } from '@/lib/jobs/redis-store'
import type { RedisContext } from '@/lib/redis/connection'
import { sharedRedis } from '@/lib/redis/instance'
import { collectFrames } from '@/lib/typed/testing'
import { withTestRedis } from '../../support/with-redis'

/**
 * The jobs feature with `REDIS_URL` set, as an app instance runs it: the store is Redis, what one
 * instance writes another reads (a second store on its own connection stands for instance B), and
 * nothing is written to the data directory.
 */
const redis = withTestRedis()
let dataDir: string
let other: RedisContext
const prefix = 'jobs-on-redis:'
/** The job is nobody's (run without a route): the operator reads it through the route's access guard. */
const OPERATOR = 'operator-token-jobs-on-redis'

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-jobs-redis-'))
  // Before anything reads the configuration.
  process.env.SLUICE_DATA_DIR = dataDir
  process.env.REDIS_URL = redis.url
  process.env.SLUICE_REDIS_PREFIX = prefix
  process.env.SLUICE_OPERATOR_TOKEN = OPERATOR
  other = await redis.context({ prefix })
})
afterAll(async () => {
  const shared = await sharedRedis()
  await Promise.all([shared.close(), other.close()])
  await rm(dataDir, { recursive: true, force: true })
})

const instanceB = () => new RedisJobsStore(async () => other)

describe('jobs with REDIS_URL set', () => {
  it('uses the Redis store', () => {
    expect(jobsStore()).toBeInstanceOf(RedisJobsStore)
  })

  it('runs an import whose job another instance reads, through the route too', async () => {
    const frames = await collectFrames(importJob, { rows: 230, invalidEvery: 10, batchSize: 50 })
    const last = frames.at(-1)!
    if (last.type !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(last)}`)
    expect(last.data).toMatchObject({ processed: 230, inserted: 207, rejected: 23, batches: 5 })
    expect(await instanceB().getImportJob(last.data.jobId)).toMatchObject({ status: 'complete', inserted: 207, storedRows: 207 })
    const url = `http://test.local/api/jobs/import/${last.data.jobId}`
    expect((await getImport(new Request(url), { params: Promise.resolve({ id: last.data.jobId }) })).status).toBe(404)
    const response = await getImport(new Request(url, { headers: { authorization: `Bearer ${OPERATOR}` } }), {
      params: Promise.resolve({ id: last.data.jobId }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: last.data.jobId, storedRows: 207 })
  })

  it('exports the table another instance seeded', async () => {
    await instanceB().seedExportRows(1_500)
    const response = await exportDownload({ format: 'ndjson', gzip: false })
    expect(response.headers.get('x-total-rows')).toBe('1500')
    const lines = (await response.text()).trimEnd().split('\n')
    expect(lines).toHaveLength(1_500)
    expect(JSON.parse(lines[1_499]!)).toMatchObject({ id: 1_500 })
  })

  it('has written nothing to the data directory', async () => {
    expect(await readdir(dataDir)).toEqual([])
  })
})
