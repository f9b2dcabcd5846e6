import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { EmbeddedStore } from '@/lib/durable/embedded/embedded-store'

/**
 * An embedded store in a fresh temporary directory for the tests of one file: opened before them,
 * disposed and removed after them. Returns the way to reach it once opened.
 */
export function tempStore(prefix: string): () => EmbeddedStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), `sluice-${prefix}-`))
  let store: EmbeddedStore | undefined
  beforeAll(async () => {
    store = await EmbeddedStore.open({ dir })
  })
  afterAll(async () => {
    await store?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    if (!store) throw new Error('the store opens before the tests run')
    return store
  }
}
