import { setImmediate as nextTurn } from 'node:timers/promises'
import { reserveSlot, type RunningKind } from '@/lib/access'
import { openStream as countOpenStream } from '@/lib/activity'
import { streams, type CreateStreamOptions, type StreamWriter } from '@/lib/durable/service'

/** What a background write needs before its stream exists (a snapshot to copy, say), and how to let it go. */
export interface Prepared<T> {
  value: T
  dispose(): void
}

export interface BackgroundWriteSpec<T> {
  /** The cap it counts against (`lib/access/limits.ts`): one more is a 429 with `Retry-After`, before anything is created. */
  slot: RunningKind
  visitor: string | undefined
  /** Names the writer in the activity counts (`/api/health`) and in the log when it fails. */
  name: string
  /** The stream's namespace (the first segment of its id). */
  namespace: string
  /** Runs after the slot is reserved, before the stream is created. */
  prepare?: () => Promise<Prepared<T>>
  /** The stream to create (its metadata may depend on what `prepare` found). */
  stream: (prepared: T) => CreateStreamOptions
  /**
   * Writes the content. `write` appends and then yields to the event loop: the store's writes can
   * complete without waiting for I/O, and without the yield the response (and every other
   * request) would wait for the whole write.
   */
  produce: (write: (data: unknown) => Promise<void>, prepared: T) => Promise<void>
}

export interface BackgroundWrite<T> {
  writer: StreamWriter
  /** What `prepare` returned. */
  prepared: T
  /** The background work: hand it to `after()`. Never rejects: a failure is logged and the stream left open (incomplete). */
  run: () => Promise<void>
}

/**
 * The one way Sluice writes a durable stream in the background, after the response (Next.js
 * `after()`, document 002's `waitUntil`): reserves a slot (429 beyond the caps), prepares, creates
 * the stream and returns it before any content is written. `run()` then produces the content,
 * closes the stream, logs a failure, and always lets go of what it holds — the prepared value, the
 * activity count and the slot. Used by the demo producers (`demo-producers.ts`) and the durable
 * export of the jobs table (`lib/jobs/export-durable.ts`).
 */
export async function startBackgroundWrite<T = undefined>(spec: BackgroundWriteSpec<T>): Promise<BackgroundWrite<T>> {
  const slot = reserveSlot(spec.slot, spec.visitor)
  let prepared: Prepared<T> | undefined
  let writer: StreamWriter
  try {
    prepared = spec.prepare ? await spec.prepare() : undefined
    writer = await streams.create(spec.namespace, spec.stream(prepared?.value as T))
  } catch (error) {
    prepared?.dispose()
    slot()
    throw error
  }
  const counted = countOpenStream(spec.name)
  const write = async (data: unknown) => {
    await writer.write(data)
    await nextTurn()
  }
  const run = async () => {
    try {
      await spec.produce(write, prepared?.value as T)
      await writer.close()
    } catch (error) {
      console.error(`[sluice] background writer ${spec.name} (${writer.id}) failed`, error)
    } finally {
      prepared?.dispose()
      counted()
      slot()
    }
  }
  return { writer, prepared: prepared?.value as T, run }
}
