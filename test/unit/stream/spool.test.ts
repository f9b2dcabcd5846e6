import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spool } from '@/lib/stream/spool'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'spool-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

function source(chunks: number, size: number) {
  let produced = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced === chunks) return controller.close()
      controller.enqueue(new Uint8Array(size).fill(produced % 251))
      produced++
    },
  })
  return { stream, produced: () => produced }
}

describe('spool', () => {
  it('keeps reading the source while nobody reads, spilling past the memory limit to a file', async () => {
    const src = source(100, 10_000)
    const out = spool(src.stream, { dir, memoryBytes: 50_000 })
    await expect.poll(() => src.produced()).toBe(100)
    expect((await readdir(dir)).length).toBe(1)
    const bytes = new Uint8Array(await new Response(out).arrayBuffer())
    expect(bytes.byteLength).toBe(1_000_000)
    for (let i = 0; i < 100; i++) expect(bytes[i * 10_000]).toBe(i % 251)
    expect(await readdir(dir)).toEqual([]) // the temporary file is gone
  })

  it('never touches the disk when the output fits in memory', async () => {
    const out = spool(source(3, 100).stream, { dir, memoryBytes: 1_000 })
    expect((await new Response(out).arrayBuffer()).byteLength).toBe(300)
    expect(await readdir(dir)).toEqual([])
  })

  it('removes the file when the consumer cancels', async () => {
    const src = source(100, 10_000)
    const out = spool(src.stream, { dir, memoryBytes: 10_000 })
    await expect.poll(() => src.produced()).toBe(100)
    await out.cancel()
    expect(await readdir(dir)).toEqual([])
  })

  it('passes a source error on after the data before it', async () => {
    let pulls = 0
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new Uint8Array([1]))
        else controller.error(new Error('broken'))
      },
    })
    const reader = spool(failing, { dir }).getReader()
    expect((await reader.read()).value).toEqual(new Uint8Array([1]))
    await expect(reader.read()).rejects.toThrow('broken')
  })
})
