import { describe, expect, test } from 'vitest'
import { assertJsonDepth, jsonDepth, MAX_JSON_DEPTH } from '@/lib/json-depth'

/** `depth` arrays inside each other, written by hand rather than by the code under test. */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

describe('JSON nesting depth', () => {
  test.each([
    ['1', 0],
    ['"[[[{{{"', 0],
    ['[]', 1],
    ['{"a":[1,{"b":null}],"c":{}}', 3],
    ['["\\"[", ["x"]]', 2],
    ['["\\\\", ["x"]]', 2],
    ['{"a":"}}}}","b":{"c":["]"]}}', 3],
  ])('%s is %i deep', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth)
  })

  test(`up to ${MAX_JSON_DEPTH} levels pass; one more is a 400 bad_request:json_depth`, () => {
    expect(() => assertJsonDepth(nestedArrays(MAX_JSON_DEPTH))).not.toThrow()
    expect(() => assertJsonDepth(nestedArrays(MAX_JSON_DEPTH + 1))).toThrow(
      expect.objectContaining({ code: 'bad_request:json_depth', status: 400 }),
    )
  })

  test('100 000 levels are refused without deep recursion', () => {
    expect(() => assertJsonDepth(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)).toThrow(/at most 128 levels/)
    expect(jsonDepth(nestedArrays(100_000))).toBe(100_000)
  })
})
