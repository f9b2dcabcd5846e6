import { AppError } from '@/lib/errors'
import { splitLines } from '@/lib/stream'

/**
 * The pipeline demo's stages, each a `TransformStream`, chained with `pipeThrough` so a large body
 * flows through with flat memory. Lines travel in batches (one per network chunk), so the cost per
 * line is a function call, not a stream hop.
 */

/** Counts bytes and errors the stream with `too_large:body` once more than `maxBytes` went through. */
export function limitBytes(maxBytes: number, onBytes?: (total: number) => void): TransformStream<Uint8Array, Uint8Array> {
  let total = 0
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.byteLength
      if (total > maxBytes) {
        controller.error(new AppError('too_large:body', `The body is over the limit of ${maxBytes} bytes`))
        return
      }
      onBytes?.(total)
      controller.enqueue(chunk)
    },
  })
}

export interface EnrichedLine {
  type: 'line'
  /** Line number in the input. */
  n: number
  text: string
  words: number
  chars: number
  /** Body bytes the server had read when it produced this record: proof it did not wait for the end. */
  bytesIn: number
}

export interface PipelineSummary {
  type: 'summary'
  linesIn: number
  linesOut: number
  bytesIn: number
  words: number
}

export interface PipelineOptions {
  /** Keep only lines containing this text (case-insensitive). Empty keeps every non-blank line. */
  filter: string
  /** Upper-case each kept line. */
  upper: boolean
}

/** Filters and enriches batches of lines into NDJSON text, ending with a summary record. */
export function enrichLines(options: PipelineOptions, bytesIn: () => number): TransformStream<string[], string> {
  const needle = options.filter.toLowerCase()
  let n = 0
  let out = 0
  let words = 0
  return new TransformStream({
    transform(lines, controller) {
      let text = ''
      const read = bytesIn()
      for (const line of lines) {
        n++
        if (line.trim() === '') continue
        if (needle && !line.toLowerCase().includes(needle)) continue
        const count = line.trim().split(/\s+/).length
        out++
        words += count
        const record: EnrichedLine = {
          type: 'line',
          n,
          text: options.upper ? line.toUpperCase() : line,
          words: count,
          chars: [...line].length,
          bytesIn: read,
        }
        text += `${JSON.stringify(record)}\n`
      }
      if (text) controller.enqueue(text)
    },
    flush(controller) {
      const summary: PipelineSummary = { type: 'summary', linesIn: n, linesOut: out, bytesIn: bytesIn(), words }
      controller.enqueue(`${JSON.stringify(summary)}\n`)
    },
  })
}

/**
 * The whole pipeline: bytes → limit → UTF-8 text → line batches → filter/enrich → NDJSON bytes.
 * An error anywhere (e.g. the limit) becomes a final `{"type":"error",...}` line, since the
 * status has already been sent by then.
 */
export function transformPipeline(
  body: ReadableStream<Uint8Array>,
  options: PipelineOptions & { maxBytes: number },
): ReadableStream<Uint8Array> {
  let bytes = 0
  const reader = body
    .pipeThrough(limitBytes(options.maxBytes, (total) => (bytes = total)))
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(splitLines())
    .pipeThrough(enrichLines(options, () => bytes))
    .getReader()
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await reader.read()
          if (done) controller.close()
          else controller.enqueue(encoder.encode(value))
        } catch (error) {
          const body = error instanceof AppError ? error.toJSON() : new AppError('bad_request:body', 'The body could not be read').toJSON()
          controller.enqueue(encoder.encode(`${JSON.stringify({ type: 'error', ...body })}\n`))
          controller.close()
        }
      },
      cancel(reason) {
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}
