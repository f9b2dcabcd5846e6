import { describe, expect, it } from 'vitest'
import { countdownStream } from '@/lib/typed/endpoints/countdown'
import { collectFrames } from '@/lib/typed/testing'

describe('countdown stream', () => {
  it('sends start, one chunk per number down to 1, and complete', async () => {
    const frames = await collectFrames(countdownStream, { from: 3, delayMs: 0 })
    expect(frames.map((frame) => frame.type)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'complete'])
    expect(frames.filter((frame) => frame.type === 'chunk').map((frame) => frame.data)).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }])
    expect(frames.at(-1)?.data).toEqual({ sent: 3 })
  })

  it('takes its input from a query string too, and refuses input outside its schema', () => {
    expect(countdownStream.input.parse({ from: '2', delayMs: '0' })).toEqual({ from: 2, delayMs: 0 })
    expect(countdownStream.input.safeParse({ from: 0 }).success).toBe(false)
    expect(countdownStream.input.safeParse({ from: 'ten' }).success).toBe(false)
  })
})
