import { AppError } from '@/lib/errors'
import { parseJsonText } from '@/lib/json-depth'

/**
 * JSON mode (PROTOCOL.md §9.1) on top of a byte store. Each message is stored as one line of
 * compact JSON (`JSON.stringify` never emits a raw line break), so message boundaries are the
 * bytes after each `\n`, every stored position the protocol hands out is a boundary, and a read
 * becomes a JSON array by turning line breaks into commas — while streaming, without parsing.
 */

const NEWLINE = 0x0a
const COMMA = 0x2c
const CLOSE_BRACKET = 0x5d
const encoder = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The stored form of a JSON request body: a top-level array is flattened one level into messages,
 * any other value is one message. An empty array is refused unless `allowEmpty` (a create), and
 * so is JSON nested deeper than `MAX_JSON_DEPTH` (`bad_request:json_depth`).
 */
export function encodeJsonBody(body: Uint8Array, options: { allowEmpty: boolean }): Uint8Array {
  let text: string
  try {
    text = strictUtf8.decode(body)
  } catch {
    throw new AppError('bad_request:json', 'The body is not valid JSON')
  }
  const value = parseJsonText(text)
  const messages = Array.isArray(value) ? value : [value]
  if (messages.length === 0 && !options.allowEmpty) {
    throw new AppError('bad_request:json', 'An empty JSON array appends nothing: send at least one message')
  }
  return encodeJsonMessages(messages)
}

/** The stored form of messages given as values. */
export function encodeJsonMessages(messages: readonly unknown[]): Uint8Array {
  let text = ''
  for (const message of messages) {
    const line = JSON.stringify(message)
    if (line === undefined) throw new AppError('bad_request:json', 'A message must be a JSON value')
    text += `${line}\n`
  }
  return encoder.encode(text)
}

/** A stored range of `length` bytes (whole lines) as a streamed JSON array. */
export async function* jsonArray(lines: AsyncIterable<Uint8Array>, length: number): AsyncGenerator<Uint8Array> {
  if (length === 0) {
    yield encoder.encode('[]')
    return
  }
  yield encoder.encode('[')
  let seen = 0
  for await (const chunk of lines) {
    const out = new Uint8Array(chunk) // a copy: the store's buffers are not ours to change
    for (let i = out.indexOf(NEWLINE); i !== -1; i = out.indexOf(NEWLINE, i + 1)) {
      out[i] = seen + i === length - 1 ? CLOSE_BRACKET : COMMA
    }
    seen += out.byteLength
    yield out
  }
}

/** Whole lines (ending in `\n`) as JSON array text, for one SSE event. */
export function linesToArrayText(lines: Uint8Array): string {
  const text = new TextDecoder().decode(lines)
  return `[${text.slice(0, -1).replaceAll('\n', ',')}]`
}

/**
 * The position after `count` more messages, reading from `start`, or `undefined` if the range
 * ends first. Used to resolve a fork's JSON sub-offset.
 */
export async function positionAfterMessages(bytes: AsyncIterable<Uint8Array>, start: number, count: number): Promise<number | undefined> {
  if (count === 0) return start
  let position = start
  let left = count
  for await (const chunk of bytes) {
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) {
      if (--left === 0) return position + i + 1
    }
    position += chunk.byteLength
  }
  return undefined
}

/** Does `bytes` end with a line break — that is, is the position after it a message boundary? */
export async function endsWithLineBreak(bytes: AsyncIterable<Uint8Array>): Promise<boolean> {
  let last: number | undefined
  for await (const chunk of bytes) if (chunk.byteLength > 0) last = chunk[chunk.byteLength - 1]
  return last === NEWLINE
}

/** Length of the longest prefix of `bytes` made of whole lines (0 if none ends). */
export function wholeLinesLength(bytes: Uint8Array): number {
  return bytes.lastIndexOf(NEWLINE) + 1
}
