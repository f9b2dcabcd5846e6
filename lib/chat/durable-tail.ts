import { streamStore } from '@/lib/durable'
import { AppError } from '@/lib/errors'

/** How long to wait for the next append before checking again that the writer is alive (default). */
const RECHECK_MS = 10_000

/**
 * Reads a durable stream from its start and follows it live until it is closed: what a
 * reloaded page (or a second tab) needs to rebuild an answer that is still being written.
 *
 * Built on the durable store's own interface (`read` + `waitForChange`: one append wakes every
 * follower at once, no polling). `writerAlive` is asked when the stream is caught up but open
 * and nothing has been appended for a while (or yet); when it answers `false` (the generation
 * died with its process) the follower ends instead of waiting forever for a close.
 */
export async function* followStream(
  id: string,
  options: { signal: AbortSignal; writerAlive: () => Promise<boolean>; recheckMs?: number },
): AsyncGenerator<Uint8Array> {
  const store = await streamStore()
  const found = await store.lookup(id)
  if (found.state !== 'live') throw new AppError('not_found:stream', `No stream ${id}`)
  const incarnation = found.meta.incarnation
  let meta = found.meta
  let position = 0
  // A change proves the writer alive; it is asked only at the start and after a quiet period.
  let writerProvenAlive = false
  for (;;) {
    if (position < meta.tail) {
      for await (const chunk of store.read(meta, position, meta.tail, options.signal)) {
        position += chunk.byteLength
        yield chunk
      }
    }
    if (meta.closed && position === meta.tail) return
    if (!writerProvenAlive && !(await options.writerAlive())) {
      // The writer may have closed the stream just before it unregistered: look once more.
      const last = await store.lookup(id)
      if (last.state !== 'live' || last.meta.incarnation !== incarnation || last.meta.tail === position) return
      meta = last.meta
      continue
    }
    const outcome = await store.waitForChange(id, position, { signal: options.signal, timeoutMs: options.recheckMs ?? RECHECK_MS })
    if (outcome === 'aborted') return
    writerProvenAlive = outcome === 'changed'
    const next = await store.lookup(id)
    if (next.state !== 'live' || next.meta.incarnation !== incarnation) return
    meta = next.meta
  }
}
