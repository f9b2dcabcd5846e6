/** Deterministic text for the offline model: a seeded generator, a sentence bank and a tokenizer. */

/** FNV-1a, 32 bits: a stable seed from a conversation's text. */
export function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` distinct items of `items`, in a seeded order. */
export function pick<T>(items: readonly T[], count: number, rand: () => number): T[] {
  const pool = [...items]
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[pool[i], pool[j]] = [pool[j]!, pool[i]!]
  }
  return pool.slice(0, Math.min(count, pool.length))
}

/**
 * Splits text into model-like tokens: a word with its leading space, or one punctuation mark.
 * Joining the tokens gives back the text exactly.
 */
export function tokenize(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}'’_-]+|\s*[^\p{L}\p{N}\s]|\s+$/gu) ?? []
}

/** What the offline model knows: short true statements about streaming, Sluice's subject. */
export const SENTENCES: readonly string[] = [
  'A stream lets the server send the first part of an answer before it has computed the last.',
  'Backpressure means a fast producer waits for a slow consumer instead of filling memory.',
  'Server-Sent Events are plain HTTP: one long response, one event after another, each ending with a blank line.',
  'An event id lets a reconnecting client say where it stopped, so the server can replay only what was missed.',
  'Cancelling a stream should reach the producer, otherwise the server keeps working for nobody.',
  'A durable stream writes each chunk to storage first, so a reader can come back and continue from an offset.',
  'Chunked transfer encoding lets a response start before its length is known.',
  'A heartbeat comment keeps idle connections alive through proxies that close quiet sockets.',
  'Time to first token is what a user feels; total time matters less when text arrives steadily.',
  'Buffering a whole response before sending it turns a stream back into a wait.',
  'A TransformStream sits between a reader and a writer and changes each chunk on its way through.',
  'UTF-8 characters can be split across chunks, so a decoder must keep the partial bytes for the next chunk.',
  'An agent answers in steps: it reasons, calls a tool, reads the result and continues.',
  'Tool calls are streamed too: first the name, then the input as it is written, then the result.',
  'Reloading a page should not cost a second model call when the first one is still running.',
  'A second viewer of the same stream should see the same text, not a new answer.',
  'Stopping a generation should keep what was already written.',
  'Proxies that compress or buffer responses can hold tokens back; streams ask them not to.',
  'Pull-based streams read from the source only when the consumer asks for more.',
  'An append-only log is the simplest durable stream: write at the end, read from any offset.',
  'Long polling answers as soon as there is data, or after a timeout with nothing.',
  'A reader that falls behind can catch up from storage and then switch to live delivery.',
  'Errors in the middle of a stream must reach the client as data, because the status line has already gone.',
  'Idempotent appends let a producer retry after a timeout without writing twice.',
  'Moderating a stream sentence by sentence delays each sentence a little and keeps the rest flowing.',
  'An audit record keeps what was asked, what was answered and which tools ran.',
  'The fastest byte is the one that is already on its way.',
  'Memory stays flat when each chunk is released as soon as it is written.',
]

/** Short openings, one per answer, chosen by the seed. */
export const OPENINGS: readonly string[] = [
  'Here is what I can tell you.',
  'Good question for a streaming app.',
  'Let me answer from what I know about streams.',
  'I will keep this concrete.',
]
