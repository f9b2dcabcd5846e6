// Cutting a byte source (stdin, a generator) into appends, with flat memory and backpressure.
import { Buffer } from 'node:buffer'

const TIMEOUT = Symbol('timeout')

/** Resolves with `promise`'s result, or with TIMEOUT at `deadline` (ms since the epoch), whichever first. */
function raceDeadline(promise, deadline) {
  let timer
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, deadline - Date.now()))
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const asBytes = (value) =>
  typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength)

/**
 * How many of the first bytes of `all` to send now. Bytes: up to `maxBytes`. Lines: whole lines
 * only — up to the last newline within `maxBytes`, or through the first one after it (a line longer
 * than `maxBytes` goes alone); at the end of the input, the rest. 0: wait for more input.
 */
function cutPoint(all, maxBytes, lines, ended) {
  const limit = Math.min(all.length, maxBytes)
  if (!lines) return limit
  const last = all.lastIndexOf(10, limit - 1)
  if (last >= 0) return last + 1
  const next = all.indexOf(10, limit)
  if (next >= 0) return next + 1
  return ended ? all.length : 0
}

/**
 * Batches of `source`'s bytes: one when `maxBytes` have come, or `lingerMs` after the first byte
 * of a batch came, whichever first, and the rest at the end. With `lines`, batches end at a
 * newline (for JSON streams, where each line is one message).
 *
 * Nothing is read while the consumer handles a batch (at most one read is outstanding), so a
 * slow server slows the source down instead of filling memory: `tail -f log | sluice streams
 * write` holds at most about two batches.
 *
 * @param {AsyncIterable<Uint8Array | string>} source
 * @param {{ maxBytes?: number, lingerMs?: number, lines?: boolean, maxLineBytes?: number }} [options]
 * @returns {AsyncGenerator<Buffer>}
 */
export async function* batches(source, { maxBytes = 64 * 1024, lingerMs = 50, lines = false, maxLineBytes = 16 * 1024 * 1024 } = {}) {
  const iterator = source[Symbol.asyncIterator]()
  let parts = []
  let size = 0
  let deadline // when the batch being gathered must go
  let reading // an iterator.next() not yet answered
  let ended = false
  try {
    for (;;) {
      while (size > 0 && (ended || size >= maxBytes || (deadline !== undefined && Date.now() >= deadline))) {
        const all = parts.length === 1 ? parts[0] : Buffer.concat(parts, size)
        const cut = cutPoint(all, maxBytes, lines, ended)
        if (cut === 0) {
          if (size > maxLineBytes) throw new Error(`A line of the input is longer than ${maxLineBytes} bytes`)
          parts = [all]
          deadline = undefined // a partial line waits for its newline
          break
        }
        const rest = all.subarray(cut)
        parts = rest.length > 0 ? [rest] : []
        size = rest.length
        deadline = size > 0 ? Date.now() + lingerMs : undefined
        yield all.subarray(0, cut)
      }
      if (ended) return
      reading ??= iterator.next()
      const result = deadline === undefined ? await reading : await raceDeadline(reading, deadline)
      if (result === TIMEOUT) continue
      reading = undefined
      if (result.done) {
        ended = true
        continue
      }
      const chunk = asBytes(result.value)
      if (chunk.length === 0) continue
      parts.push(chunk)
      size += chunk.length
      if (deadline === undefined) deadline = Date.now() + lingerMs
    }
  } finally {
    if (!ended) {
      // Stop the source. A read still outstanding may never be answered (an idle stdin): then don't wait.
      const stopping = Promise.resolve(iterator.return?.()).catch(() => {})
      if (reading === undefined) await stopping
    }
  }
}

/**
 * Reads exact byte counts from the start of a source, then hands over the rest: how `write
 * --checkpoint` skips what an earlier run already stored.
 */
export class ByteReader {
  #iterator
  #left = Buffer.alloc(0)
  #done = false

  /** @param {AsyncIterable<Uint8Array | string>} source */
  constructor(source) {
    this.#iterator = source[Symbol.asyncIterator]()
  }

  /** The next `n` bytes, fewer only if the source ends first. */
  async read(n) {
    const parts = []
    let have = 0
    while (have < n) {
      if (this.#left.length === 0) {
        if (this.#done) break
        const result = await this.#iterator.next()
        if (result.done) {
          this.#done = true
          break
        }
        this.#left = asBytes(result.value)
      }
      const take = this.#left.subarray(0, n - have)
      this.#left = this.#left.subarray(take.length)
      parts.push(take)
      have += take.length
    }
    return Buffer.concat(parts, have)
  }

  /** Skips `n` bytes (in pieces, so memory stays flat); returns how many there were. */
  async skip(n) {
    let skipped = 0
    while (skipped < n) {
      const piece = await this.read(Math.min(n - skipped, 1 << 20))
      if (piece.length === 0) break
      skipped += piece.length
    }
    return skipped
  }

  /** The source from where reading stopped. */
  async *rest() {
    if (this.#left.length > 0) yield this.#left
    this.#left = Buffer.alloc(0)
    if (this.#done) return
    for (;;) {
      const result = await this.#iterator.next()
      if (result.done) return
      yield result.value
    }
  }
}
