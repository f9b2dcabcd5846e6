import { AppError } from '@/lib/errors'
import { csvLine } from '@/lib/csv'

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Lovelace, Ada', 'Edsger "EWD" Dijkstra', 'Barbara Liskov', 'Zoë Ørsted']
/** The faults generated rows cycle through, so every rejection reason shows up. */
const FAULTS: readonly ((i: number) => readonly string[])[] = [
  (i) => [`Person ${i}`, `person${i}-at-example.com`, '10.00'],
  (i) => ['  ', `person${i}@example.com`, '10.00'],
  (i) => [`Person ${i}`, `person${i}@example.com`, '-5'],
  (i) => [`Person ${i}`, `person${i}@example.com`],
  (i) => [`Person ${i}`, `person${i}@example.com`, '12.345'],
]

/**
 * A CSV of `rows` data rows, generated as it is read (chunks of 100 rows): every `invalidEvery`-th
 * row is broken in one of several ways (0: none).
 */
export function* generatedCsv(rows: number, invalidEvery: number): Generator<string, void, undefined> {
  let chunk = csvLine(['name', 'email', 'amount'])
  let faults = 0
  for (let i = 1; i <= rows; i++) {
    if (invalidEvery > 0 && i % invalidEvery === 0) {
      chunk += csvLine(FAULTS[faults++ % FAULTS.length]!(i))
    } else {
      const amount = ((i * 7919) % 100_000) / 100
      chunk += csvLine([NAMES[i % NAMES.length]!, `person${i}@example.com`, amount.toFixed(2)])
    }
    if (i % 100 === 0) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/**
 * An uploaded body as UTF-8 text, read as the consumer asks for it (so a slow import reads the
 * upload slowly: backpressure to the client). More than `maxBytes` fails with `too_large:upload`.
 */
export async function* uploadText(body: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true }) // keep a BOM: the CSV parser drops it, and byte counts stay exact
  let total = 0
  for await (const bytes of body) {
    total += bytes.byteLength
    if (total > maxBytes) throw new AppError('too_large:upload', `The upload is over the limit of ${maxBytes} bytes`)
    const text = decoder.decode(bytes, { stream: true })
    if (text) yield text
  }
  const rest = decoder.decode()
  if (rest) yield rest
}

const bodies = new WeakMap<Request, ReadableStream<Uint8Array>>()

function noCsv(message: string): AppError {
  return new AppError(
    'bad_request:upload',
    `${message}: send the CSV file as the request body, and the input in the query string (?source=upload)`,
  )
}

/**
 * Checks, before the stream opens, that an upload request has a body with at least one byte:
 * `400 bad_request:upload` otherwise. Over HTTP a request without a body still has an (empty) body
 * stream, so this reads up to the first bytes; they are kept, and {@link uploadBody} hands the
 * whole body, those bytes first, to the handler.
 */
export async function requireUploadBody(request: Request): Promise<void> {
  if (!request.body) throw noCsv('The upload is empty')
  const reader = request.body.getReader()
  let first: Uint8Array | undefined
  try {
    while (!first) {
      const { done, value } = await reader.read()
      if (done) break
      if (value.byteLength > 0) first = value
    }
  } catch (cause) {
    throw new AppError('bad_request:aborted', 'The request body broke off', { cause })
  }
  if (!first) {
    reader.releaseLock()
    throw noCsv('The upload is empty')
  }
  const head = first
  bodies.set(
    request,
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head)
      },
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      },
      cancel(reason) {
        return reader.cancel(reason)
      },
    }),
  )
}

/** The upload's body: what {@link requireUploadBody} checked, or the request's own body. */
export function uploadBody(request: Request): ReadableStream<Uint8Array> | null {
  return bodies.get(request) ?? request.body
}
