import { randomUUID } from 'node:crypto'
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises'
import path from 'node:path'

export interface SpoolOptions {
  /** Bytes kept in memory before the rest goes to a temporary file. Default 1 MiB. */
  memoryBytes?: number
  /** Directory for the temporary file (created if needed). */
  dir: string
}

const READ_SIZE = 64 * 1024

/**
 * Reads `source` as fast as it produces, whatever the consumer does, and hands the bytes on in
 * order: the first `memoryBytes` from memory, anything beyond from a temporary file that is deleted
 * when the stream ends or is cancelled. Memory stays flat either way.
 *
 * This is for half-duplex clients — browsers send the whole request body before they read the
 * response — where backpressure from the response to the request would deadlock: the server would
 * stop reading the body the client is still sending.
 */
export function spool(source: ReadableStream<Uint8Array>, options: SpoolOptions): ReadableStream<Uint8Array> {
  const memoryBytes = options.memoryBytes ?? 1024 * 1024
  const memory: Uint8Array[] = []
  let inMemory = 0
  let file: FileHandle | undefined
  let filePath: string | undefined
  let writePos = 0
  let readPos = 0
  let done = false
  let failure: { error: unknown } | undefined
  let wake: (() => void) | undefined
  const reader = source.getReader()

  const notify = () => {
    wake?.()
    wake = undefined
  }

  const cleanup = async () => {
    const f = file
    file = undefined
    await f?.close().catch(() => {})
    if (filePath) await rm(filePath, { force: true })
  }

  const pump = async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read()
        if (end) break
        if (!file && inMemory + value.byteLength <= memoryBytes) {
          memory.push(value)
          inMemory += value.byteLength
        } else {
          if (!file) {
            await mkdir(/*turbopackIgnore: true*/ options.dir, { recursive: true })
            filePath = path.join(/*turbopackIgnore: true*/ options.dir, `spool-${randomUUID()}`)
            file = await open(filePath, 'w+')
          }
          await file.write(value, 0, value.byteLength, writePos)
          writePos += value.byteLength
        }
        notify()
      }
      done = true
    } catch (error) {
      failure = { error }
    }
    notify()
  }

  let pumping: Promise<void> | undefined

  return new ReadableStream<Uint8Array>(
    {
      start() {
        pumping = pump()
      },
      async pull(controller) {
        for (;;) {
          const next = memory.shift()
          if (next) {
            inMemory -= next.byteLength
            controller.enqueue(next)
            return
          }
          if (file && readPos < writePos) {
            const buffer = new Uint8Array(Math.min(READ_SIZE, writePos - readPos))
            const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, readPos)
            readPos += bytesRead
            controller.enqueue(buffer.subarray(0, bytesRead))
            return
          }
          if (failure) {
            await cleanup()
            controller.error(failure.error)
            return
          }
          if (done) {
            await cleanup()
            controller.close()
            return
          }
          await new Promise<void>((resolve) => (wake = resolve))
        }
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {})
        await pumping
        await cleanup()
      },
    },
    { highWaterMark: 0 },
  )
}
