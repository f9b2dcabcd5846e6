import { describe, expect, it } from 'vitest'
import { checkContinuity } from '@/components/feed/use-live-metrics'

describe('checkContinuity', () => {
  it('counts missing ids and repeated ids', () => {
    expect(checkContinuity([1, 2, 3, 4])).toEqual({ gaps: 0, duplicates: 0 })
    expect(checkContinuity([1, 2, 5, 6])).toEqual({ gaps: 2, duplicates: 0 })
    expect(checkContinuity([1, 2, 2, 3, 1])).toEqual({ gaps: 0, duplicates: 2 })
  })
})
