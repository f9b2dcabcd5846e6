import { describe, expect, it } from 'vitest'
import { ProgressCell, isFinal, type UploadProgress } from '@/lib/uploads/progress'

const initial: UploadProgress = {
  id: 'aaaaaaaaaaaaaaaaaaaaaa',
  name: 'x.bin',
  size: 100,
  offset: 0,
  state: 'created',
  attemptOffset: 0,
  attempts: 0,
  createdAt: 0,
  updatedAt: 0,
}

describe('ProgressCell', () => {
  it('gives a reader the current snapshot, then only the newest one after it fell behind', async () => {
    const cell = new ProgressCell(initial)
    const reader = cell.watch()
    expect((await reader.next()).value).toMatchObject({ state: 'created', offset: 0 })
    cell.update({ state: 'receiving', offset: 10 })
    cell.update({ offset: 20 })
    cell.update({ offset: 30 })
    expect((await reader.next()).value).toMatchObject({ state: 'receiving', offset: 30 })
    const pending = reader.next()
    cell.update({ offset: 40 })
    expect((await pending).value).toMatchObject({ offset: 40 })
    await reader.return(undefined)
  })

  it('ends after a final state, and a resumable failure is not final', async () => {
    const cell = new ProgressCell(initial)
    const seen: string[] = []
    const reading = (async () => {
      for await (const p of cell.watch()) seen.push(p.state)
    })()
    await Promise.resolve()
    cell.update({ state: 'failed', resumable: true })
    await new Promise((r) => setTimeout(r, 0))
    cell.update({ state: 'complete', sha256: 'ab' })
    await reading
    expect(seen).toEqual(['created', 'failed', 'complete'])
    expect(isFinal({ ...initial, state: 'failed', resumable: false })).toBe(true)
  })

  it('stops when its signal aborts', async () => {
    const cell = new ProgressCell(initial)
    const abort = new AbortController()
    const reader = cell.watch({ signal: abort.signal })
    await reader.next()
    const pending = reader.next()
    abort.abort()
    expect(await pending).toEqual({ done: true, value: undefined })
  })

  it('never holds back the final snapshot behind the minimum interval', async () => {
    const cell = new ProgressCell(initial)
    const reader = cell.watch({ minIntervalMs: 60_000 })
    await reader.next() // the interval starts now
    const pending = reader.next()
    cell.update({ state: 'complete', offset: 100, sha256: 'ab' })
    expect((await pending).value).toMatchObject({ state: 'complete' })
  })
})
