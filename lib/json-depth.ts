import { AppError } from '@/lib/errors'

/**
 * How deeply JSON received from clients may nest: arrays and objects inside each other, the
 * outermost one included. Deeper input is refused before `JSON.parse`, so that nothing that
 * walks the value afterwards (`JSON.stringify`, schemas, the AI SDK) can run out of stack.
 */
export const MAX_JSON_DEPTH = 128

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/**
 * The deepest nesting of arrays and objects in JSON `text`, counted in one pass without
 * recursion; brackets inside strings do not count. Stops counting (and returns a value above
 * `limit`) as soon as `limit` is exceeded. The text is not validated: `JSON.parse` does that.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > deepest) {
        deepest = depth
        if (deepest > limit) return deepest
      }
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--
    }
  }
  return deepest
}

/** Throws 400 `bad_request:json_depth` when `text` nests deeper than `max` (default {@link MAX_JSON_DEPTH}). */
export function assertJsonDepth(text: string, max = MAX_JSON_DEPTH): void {
  if (jsonDepth(text, max) > max) {
    throw new AppError('bad_request:json_depth', `JSON may nest arrays and objects at most ${max} levels deep`, {
      details: { maxDepth: max },
    })
  }
}

/**
 * `text` parsed as JSON: `400 bad_request:json_depth` when nested deeper than `MAX_JSON_DEPTH`
 * (checked first, so a deep body never reaches the recursive parser), `400 bad_request:json`
 * when it is not JSON. The one way request bodies are parsed (JSON API bodies, durable JSON streams).
 */
export function parseJsonText(text: string): unknown {
  assertJsonDepth(text)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new AppError('bad_request:json', 'The body is not valid JSON')
  }
}
