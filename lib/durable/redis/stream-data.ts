import { randomBytes } from 'node:crypto'
import { gzipSegmentKey, segmentCount, segmentKey, stagedGzipSegmentKey, type KeySpace } from '@/lib/durable/redis/keys'
import { MissingBytesError, Segments } from '@/lib/durable/redis/segments'
import type { Lookup, StreamMeta } from '@/lib/durable/store'
import type { RedisCommands } from '@/lib/redis'

/**
 * The bytes of the Redis store's streams: ranged reads (plain or, once compressed, gunzipped),
 * the staged copy a fork inherits, and compression at rest. Metadata stays with the store; this
 * only needs to look a stream up again when its bytes moved under a reader.
 */
export class StreamData {
  constructor(
    private readonly client: RedisCommands,
    private readonly segments: Segments,
    private readonly keys: KeySpace,
    private readonly lookup: (path: string) => Promise<Lookup>,
  ) {}

  private base(path: string): string {
    return this.keys.stream(path).base
  }

  /** Bytes `[from, to)` of a stream (`to` at most its tail), in bounded chunks. */
  async *read(meta: StreamMeta, from: number, to: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const end = Math.min(to, meta.tail)
    if (from >= end) return
    const base = this.base(meta.path)
    const gunzipped = (m: StreamMeta, start: number) =>
      this.segments.readGunzipped((k) => gzipSegmentKey(base, m.incarnation, k), m.storedBytes, start, end, signal)
    if (meta.compressed) return yield* gunzipped(meta, from)
    let position = from
    try {
      for await (const chunk of this.segments.read((k) => segmentKey(base, meta.incarnation, k), from, end, signal)) {
        position += chunk.byteLength
        yield chunk
      }
    } catch (error) {
      if (!(error instanceof MissingBytesError)) throw error
      // Compressed meanwhile (the plain segments went): continue from the gzip form.
      const found = await this.lookup(meta.path)
      if (found.state !== 'live' || found.meta.incarnation !== meta.incarnation || !found.meta.compressed) {
        throw new Error(`The stream ${meta.path} was deleted while being read`, { cause: error })
      }
      yield* gunzipped(found.meta, position)
    }
  }

  /** The stored gzip bytes of a compressed stream. */
  readCompressed(meta: StreamMeta, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const base = this.base(meta.path)
    return this.segments.read((k) => gzipSegmentKey(base, meta.incarnation, k), 0, meta.storedBytes, signal)
  }

  /**
   * Copies bytes `[0, position)` of `source` as staged (expiring) segments of the new
   * incarnation of `path`; the creation script makes them permanent.
   */
  async stageFork(source: StreamMeta, position: number, path: string, incarnation: string): Promise<void> {
    const base = this.base(path)
    await this.segments.stage(this.read(source, 0, position), (k) => segmentKey(base, incarnation, k))
  }

  /** Removes the staged copy of a fork that was not created. */
  async dropFork(position: number, path: string, incarnation: string): Promise<void> {
    const base = this.base(path)
    await this.segments.remove((k) => segmentKey(base, incarnation, k), segmentCount(position))
  }

  /**
   * Gzips a closed stream into staged segments, then commits them in one script, which drops the
   * attempt instead if the stream changed meanwhile. Attempts have unique names, so instances
   * compressing the same stream at once do not disturb each other; the first commit wins.
   */
  async compress(meta: StreamMeta): Promise<boolean> {
    const keys = this.keys.stream(meta.path)
    const attempt = randomBytes(6).toString('hex')
    const staged = (k: number) => stagedGzipSegmentKey(keys.base, meta.incarnation, attempt, k)
    const size = await this.segments.stageGzip(this.read(meta, 0, meta.tail), staged)
    const committed = await this.client.finishCompression([keys.meta, keys.producers, keys.base], [meta.incarnation, attempt, String(size)])
    return Number(committed) === 1
  }
}
