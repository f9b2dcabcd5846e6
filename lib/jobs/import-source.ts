import { AppError } from '@/lib/errors'
import { csvLine } from '@/lib/csv/format'

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
