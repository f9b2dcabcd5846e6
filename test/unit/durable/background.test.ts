import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { activitySnapshot } from '@/lib/activity'
import { startBackgroundWrite } from '@/lib/durable/background'
import { streamStore } from '@/lib/durable/instance'
import { streams } from '@/lib/durable/service'

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-background-'))
  process.env.SLUICE_DATA_DIR = dataDir
})
afterAll(async () => {
  await (await streamStore()).dispose()
  await rm(dataDir, { recursive: true, force: true })
})

const text = (id: string) => streams.download(id).then((body) => new Response(body).text())

describe('the background-writer service', () => {
  it('creates the stream before writing, then writes, closes, and lets go of the prepared value, the count and the slot', async () => {
    const disposed: string[] = []
    const started = await startBackgroundWrite({
      slot: 'demo',
      visitor: 'v-ok',
      name: 'test:ok',
      namespace: 'bg',
      prepare: async () => ({ value: 3, dispose: () => disposed.push('prepared') }),
      stream: (n) => ({ contentType: 'text/plain', metadata: { n: String(n) } }),
      produce: async (write, n) => {
        for (let i = 1; i <= n; i++) await write(`${i}\n`)
      },
    })
    expect(started.prepared).toBe(3)
    expect(await streams.get(started.writer.id)).toMatchObject({ sizeBytes: 0, closed: false, metadata: { n: '3' } })
    expect(activitySnapshot().activeByKind['test:ok']).toBe(1)
    await started.run()
    expect(await streams.get(started.writer.id)).toMatchObject({ closed: true })
    expect(await text(started.writer.id)).toBe('1\n2\n3\n')
    expect(disposed).toEqual(['prepared'])
    expect(activitySnapshot().activeByKind['test:ok']).toBeUndefined()
  })

  it('refuses one more than the cap with 429 and Retry-After, before preparing or creating anything; a finished writer frees its slot', async () => {
    const spec = {
      slot: 'demo' as const,
      visitor: 'v-cap',
      name: 'test:cap',
      namespace: 'bg',
      stream: () => ({ contentType: 'text/plain' }),
      produce: async () => {},
    }
    const first = await startBackgroundWrite(spec)
    const second = await startBackgroundWrite(spec) // SLUICE_RUNNING_PER_VISITOR defaults to 2
    const prepare = vi.fn(async () => ({ value: undefined, dispose: () => {} }))
    const refused = await startBackgroundWrite({ ...spec, prepare }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 'rate_limited:demo', status: 429 })
    expect((refused as { headers?: Headers }).headers?.get('Retry-After')).toBe('5')
    expect(prepare).not.toHaveBeenCalled()
    await first.run()
    const third = await startBackgroundWrite(spec)
    await Promise.all([second.run(), third.run()])
  })

  it('logs a failure, leaves the stream open (incomplete) and still frees everything', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const disposed: string[] = []
    const started = await startBackgroundWrite({
      slot: 'demo',
      visitor: 'v-fail',
      name: 'test:fail',
      namespace: 'bg',
      prepare: async () => ({ value: undefined, dispose: () => disposed.push('prepared') }),
      stream: () => ({ contentType: 'text/plain' }),
      produce: async (write) => {
        await write('partial\n')
        throw new Error('disk on fire')
      },
    })
    await started.run()
    expect(error).toHaveBeenCalledWith(expect.stringContaining('test:fail'), expect.objectContaining({ message: 'disk on fire' }))
    error.mockRestore()
    expect(await streams.get(started.writer.id)).toMatchObject({ closed: false, sizeBytes: 8 })
    expect(disposed).toEqual(['prepared'])
    expect(activitySnapshot().activeByKind['test:fail']).toBeUndefined()
    // Its slot is free again: two more start.
    const spec = {
      slot: 'demo' as const,
      visitor: 'v-fail',
      name: 'test:fail',
      namespace: 'bg',
      stream: () => ({ contentType: 'text/plain' }),
      produce: async () => {},
    }
    const again = await Promise.all([startBackgroundWrite(spec), startBackgroundWrite(spec)])
    await Promise.all(again.map((s) => s.run()))
  })
})
