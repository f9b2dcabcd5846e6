import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { SEGMENT_BYTES, STAGED_TTL_MS } from '@/lib/durable/redis/keys'
import type { SharedReads } from '@/lib/durable/redis/shared-reads'
import type { BinaryCommands } from '@/lib/redis'

/**
 * Stream bytes in Redis segments (see `keys.ts`): ranged reads that hold at most a few chunks
 * in memory, whatever the stream's size, and the staged writes of fork copies and
 * compression. The caller names the segments with a `key(k)` function.
 */

/** Bytes per `GETRANGE`: large enough to stream fast, small enough to bound memory. */
const READ_CHUNK = 256 * 1024
/** `GETRANGE`s in flight per reader: hides the round trip; bounds a reader's buffer to 1 MiB. */
const READ_AHEAD = 4

/** A segment was absent or shorter than the committed tail promised: compressed or deleted meanwhile. */
export class MissingBytesError extends Error {
  constructor(position: number) {
    super(`Stream bytes at ${position} are no longer stored where they were`)
    this.name = 'MissingBytesError'
  }
}

export type SegmentKey = (k: number) => string

export class Segments {
  /**
   * `shared`: where ranged reads go, so that readers of the same range share one `GETRANGE`
   * (`shared-reads.ts`); default, each read its own.
   */
  constructor(
    private readonly binary: BinaryCommands,
    private readonly shared?: SharedReads,
  ) {}

  private getRange(key: string, start: number, end: number): Promise<Buffer | null> {
    return this.shared ? this.shared.range(key, start, end) : (this.binary.getRange(key, start, end) as Promise<Buffer | null>)
  }

  /**
   * Bytes `[from, to)` in chunks of at most {@link READ_CHUNK}, keeping {@link READ_AHEAD}
   * requests in flight while the caller consumes (so at most that many chunks are buffered).
   * Throws {@link MissingBytesError} when bytes are missing.
   */
  async *read(key: SegmentKey, from: number, to: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
    let requested = from
    const request = () => {
      const position = requested
      const k = Math.floor(position / SEGMENT_BYTES)
      const start = position - k * SEGMENT_BYTES
      const length = Math.min(READ_CHUNK, SEGMENT_BYTES - start, to - position)
      const reply = this.getRange(key(k), start, start + length - 1)
      reply.catch(() => undefined) // observed below, unless the reader leaves first
      requested += length
      return { position, length, reply }
    }
    const pending: Array<ReturnType<typeof request>> = []
    while (requested < to && pending.length < READ_AHEAD) pending.push(request())
    while (pending.length > 0) {
      signal?.throwIfAborted()
      const { position, length, reply } = pending.shift()!
      const bytes = await reply
      if (!bytes || bytes.byteLength !== length) throw new MissingBytesError(position)
      if (requested < to) pending.push(request())
      yield bytes
    }
  }

  /** Bytes `[from, to)` of the data whose gzip form (`size` bytes) is stored in segments. */
  async *readGunzipped(key: SegmentKey, size: number, from: number, to: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    if (from >= to) return
    const gunzip = createGunzip()
    const feeding = pipeline(Readable.from(this.read(key, 0, size, signal)), gunzip)
    feeding.catch(() => undefined) // its error also ends the loop below
    let position = 0
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        const start = Math.max(from - position, 0)
        const end = Math.min(to - position, chunk.byteLength)
        position += chunk.byteLength
        if (end > start) yield chunk.subarray(start, end)
        if (position >= to) return
      }
      await feeding
    } finally {
      gunzip.destroy()
    }
  }

  /**
   * Writes `length` bytes from `source` as segments that expire after {@link STAGED_TTL_MS}
   * unless a script commits them (makes them permanent). For a fork's inherited prefix.
   */
  async stage(source: AsyncIterable<Uint8Array>, key: SegmentKey): Promise<number> {
    let pending: Buffer[] = []
    let pendingBytes = 0
    let k = 0
    let written = 0
    const flush = async (final: boolean) => {
      while (pendingBytes >= SEGMENT_BYTES || (final && pendingBytes > 0)) {
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending)
        const piece = all.subarray(0, SEGMENT_BYTES)
        await this.binary.set(key(k++), piece, { expiration: { type: 'PX', value: STAGED_TTL_MS } })
        written += piece.byteLength
        const rest = all.subarray(piece.byteLength)
        pending = rest.byteLength > 0 ? [rest] : []
        pendingBytes = rest.byteLength
      }
    }
    for await (const chunk of source) {
      pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      pendingBytes += chunk.byteLength
      await flush(false)
    }
    await flush(true)
    return written
  }

  /** Gzips `source` into staged segments; returns the compressed size. */
  async stageGzip(source: AsyncIterable<Uint8Array>, key: SegmentKey): Promise<number> {
    const gzip = createGzip()
    const feeding = pipeline(Readable.from(source), gzip)
    feeding.catch(() => undefined) // its error also ends stage() below
    const size = await this.stage(gzip, key)
    await feeding
    return size
  }

  /** Deletes segments `0 .. count-1` (unless a script already took them). */
  async remove(key: SegmentKey, count: number): Promise<void> {
    const keys = Array.from({ length: count }, (_, k) => key(k))
    for (let i = 0; i < keys.length; i += 500) await this.binary.unlink(keys.slice(i, i + 500))
  }
}
