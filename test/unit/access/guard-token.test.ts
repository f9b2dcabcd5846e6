import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { guard } from '@/lib/access/guard'
import { toAppError } from '@/lib/errors'

/**
 * The one bearer check: a row with `token: 'jobs'` (the imports) needs `SLUICE_JOBS_TOKEN` when it
 * is set. A missing and a wrong token get the same answer, `401 unauthorized:token` with
 * `WWW-Authenticate`, so a caller learns nothing from trying; the operator token passes too.
 */
const JOBS = 'jobs-token-for-unit-tests'
const OPERATOR = 'operator-token-for-unit-tests'
let dataDir: string
beforeAll(async () => {
  // Before anything reads the configuration (read once per test file).
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-guard-token-'))
  process.env.SLUICE_DATA_DIR = dataDir
  process.env.SLUICE_JOBS_TOKEN = JOBS
  process.env.SLUICE_OPERATOR_TOKEN = OPERATOR
})
afterAll(async () => {
  delete process.env.SLUICE_JOBS_TOKEN
  delete process.env.SLUICE_OPERATOR_TOKEN
  await rm(dataDir, { recursive: true, force: true })
})

const importRequest = (authorization?: string) =>
  new Request('http://test.local/api/jobs/import', {
    method: 'POST',
    headers: authorization === undefined ? {} : { authorization },
  })

async function refusal(authorization?: string) {
  try {
    await guard('POST /api/jobs/import', importRequest(authorization), undefined)
  } catch (error) {
    return toAppError(error).toResponse()
  }
  throw new Error('the guard let the request through')
}

describe('the jobs token (access rows with token: jobs)', () => {
  it('refuses a missing and a wrong token alike: 401 unauthorized:token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token!', `Bearer ${JOBS}x`, 'Basic abc']) {
      const response = await refusal(authorization)
      expect(response.status, String(authorization)).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sluice"')
      const { error } = (await response.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('unauthorized:token')
      expect(error.message).toContain('SLUICE_JOBS_TOKEN')
    }
  })

  it('lets the right token, and the operator token, through', async () => {
    const withToken = await guard('POST /api/jobs/import', importRequest(`Bearer ${JOBS}`), undefined)
    expect(withToken.access.operator).toBe(false)
    const asOperator = await guard('POST /api/jobs/import', importRequest(`Bearer ${OPERATOR}`), undefined)
    expect(asOperator.access.operator).toBe(true)
  })
})
