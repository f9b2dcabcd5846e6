import { singleton } from '@/lib/singleton'
import type { CancelReason } from '@/lib/typed-stream/frames'

interface RunningStream {
  name: string
  cancel(reason: CancelReason): boolean
}

/** Streams running in this process, by id, so `DELETE ?stream=<id>` can reach them from any route bundle. */
const running = () => singleton('typed-stream:running', () => new Map<string, RunningStream>())

/** Registers a running stream; the returned function removes it (idempotent). */
export function registerStream(id: string, stream: RunningStream): () => void {
  running().set(id, stream)
  return () => {
    if (running().get(id) === stream) running().delete(id)
  }
}

/**
 * Asks the running stream `id` of definition `name` to cancel. `found` is false when no such
 * stream is running here (unknown id, another definition's stream, or already ended).
 */
export function requestCancel(name: string, id: string): { found: boolean } {
  const stream = running().get(id)
  if (!stream || stream.name !== name) return { found: false }
  stream.cancel('requested')
  return { found: true }
}
