import { describe, expect, test } from 'vitest'
import { timeTicks } from '@/components/inspector/time-axis'

describe('timeTicks', () => {
  test('round steps, at most five intervals, from 0 to the span', () => {
    expect(timeTicks(1_000)).toEqual([0, 200, 400, 600, 800, 1_000])
    expect(timeTicks(2_345)).toEqual([0, 500, 1_000, 1_500, 2_000])
    expect(timeTicks(73_000)).toEqual([0, 20_000, 40_000, 60_000])
    expect(timeTicks(48)).toEqual([0, 10, 20, 30, 40])
  })

  test('never a step under 1 ms (the labels are whole milliseconds)', () => {
    expect(timeTicks(3)).toEqual([0, 1, 2, 3])
    expect(timeTicks(0)).toEqual([0, 1])
  })
})
