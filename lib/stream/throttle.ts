import { z } from 'zod'
import { sleep } from '@/lib/async'

/** Byte chunks are cut to at most this share of a second's worth, so slow motion is smooth. */
const SLICES_PER_SECOND = 10

/**
 * `?rate=<bytes per second>`: slow motion, asked for per request (1 KiB/s to 1 GiB/s; absent:
 * full speed) — on the pipeline and the export (what the server sends) and the upload `PUT` (how
 * fast the server reads the body). The pages use it so that backpressure, pause and cancel can be watched.
 */
export const slowMotionRate = z.coerce
  .number<number>()
  .int()
  .min(1024, 'must be at least 1024 bytes per second')
  .max(1024 ** 3, 'must be at most 1 GiB per second')
  .optional()

/**
 * Slow motion: yields `source`'s bytes no faster than `bytesPerSecond` on average, measured from
 * the first byte. A chunk larger than a tenth of a second's worth is cut into slices (same bytes,
 * same order). Reads the source only as it yields, so a slow consumer still slows the source
 * (backpressure goes through), and an abort of `signal` ends the wait at once.
 */
export async function* throttled(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  bytesPerSecond: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const slice = Math.max(1, Math.floor(bytesPerSecond / SLICES_PER_SECOND))
  let started: number | undefined
  let sent = 0
  for await (const chunk of source) {
    for (let at = 0; at < chunk.byteLength; at += slice) {
      const piece = at === 0 && chunk.byteLength <= slice ? chunk : chunk.subarray(at, at + slice)
      started ??= performance.now()
      const wait = started + (sent / bytesPerSecond) * 1000 - performance.now()
      if (wait > 0) await sleep(wait, signal)
      signal?.throwIfAborted()
      yield piece
      sent += piece.byteLength
    }
  }
}
