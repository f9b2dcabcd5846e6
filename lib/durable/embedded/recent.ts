/**
 * The last bytes committed to recently written streams, kept in memory so that live readers —
 * woken by an append, asking for exactly what was just written — are answered without touching
 * the disk. Bounded: at most {@link PER_STREAM} bytes for each of the {@link STREAMS} streams
 * written most recently. Bytes are immutable once committed, so slices stay valid.
 */

const PER_STREAM = 64 * 1024
const STREAMS = 256

interface Tail {
  /** Position of the first cached byte. */
  start: number
  chunks: Uint8Array[]
  length: number
}

export class RecentBytes {
  private readonly tails = new Map<string, Tail>()

  /** Records committed bytes `data` at `position` (copied: callers may reuse their buffers). */
  add(key: string, position: number, data: Uint8Array): void {
    if (data.byteLength === 0) return
    let tail = this.tails.get(key)
    this.tails.delete(key) // re-inserted below: most recently written last
    if (data.byteLength >= PER_STREAM) {
      tail = {
        start: position + data.byteLength - PER_STREAM,
        chunks: [new Uint8Array(data.subarray(data.byteLength - PER_STREAM))],
        length: PER_STREAM,
      }
    } else {
      if (!tail || tail.start + tail.length !== position) tail = { start: position, chunks: [], length: 0 }
      tail.chunks.push(new Uint8Array(data))
      tail.length += data.byteLength
      while (tail.length - tail.chunks[0]!.byteLength >= PER_STREAM) {
        const dropped = tail.chunks.shift()!
        tail.start += dropped.byteLength
        tail.length -= dropped.byteLength
      }
    }
    this.tails.set(key, tail)
    if (this.tails.size > STREAMS) this.tails.delete(this.tails.keys().next().value!)
  }

  /** Bytes `[from, to)` if they are all cached, as slices; otherwise `undefined`. */
  slice(key: string, from: number, to: number): Uint8Array[] | undefined {
    const tail = this.tails.get(key)
    if (!tail || from < tail.start || to > tail.start + tail.length) return undefined
    const out: Uint8Array[] = []
    let position = tail.start
    for (const chunk of tail.chunks) {
      const end = position + chunk.byteLength
      if (end > from && position < to) out.push(chunk.subarray(Math.max(from - position, 0), Math.min(to - position, chunk.byteLength)))
      position = end
    }
    return out
  }

  forget(key: string): void {
    this.tails.delete(key)
  }
}
