import { sleep } from '@/lib/async'
import { startBackgroundWrite } from '@/lib/durable/background'
import type { CreateStreamOptions, StreamWriter } from '@/lib/durable/service'

/**
 * The two demo producers of the /durable page, both written in the background after the
 * response (Next.js `after()`, document 002's `waitUntil`): a large CSV export, compressed at
 * rest once closed, and a log that gains a line every `intervalMs`.
 */

export interface StartedProducer {
  writer: StreamWriter
  /** The background work; call it from `after()`. Never rejects (failures are logged). */
  run: () => Promise<void>
}

const FIRST_NAMES = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim']
const DOMAINS = ['example.com', 'example.org', 'example.net']

function csvRow(i: number): string {
  const name = FIRST_NAMES[i % FIRST_NAMES.length]!
  const created = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()
  return `${i},${name} ${i},${name.toLowerCase()}.${i}@${DOMAINS[i % DOMAINS.length]},${created}\n`
}

/**
 * Starts a producer of `kind` for `visitor` on the background-writer service (`background.ts`):
 * its slot (429 beyond the caps of `lib/access/limits.ts`), its stream, and the background work,
 * which runs `produce`, closes the stream, logs a failure and always frees the slot.
 */
async function startProducer(
  kind: string,
  visitor: string | undefined,
  options: CreateStreamOptions,
  produce: (write: (data: string) => Promise<void>) => Promise<void>,
): Promise<StartedProducer> {
  const { writer, run } = await startBackgroundWrite({
    slot: 'demo',
    visitor,
    name: `demo:${kind}`,
    namespace: kind,
    stream: () => options,
    produce,
  })
  return { writer, run }
}

/** A CSV export of `rows` rows, written in batches so that readers see it grow. */
export function startCsvExport(rows: number, visitor?: string): Promise<StartedProducer> {
  const options = { contentType: 'text/csv', compress: true, metadata: { demo: 'csv-export', rows: String(rows) }, ttl: 86_400 }
  return startProducer('export', visitor, options, async (write) => {
    await write('id,name,email,created\n')
    const batch = 2_000
    for (let start = 0; start < rows; start += batch) {
      let text = ''
      for (let i = start; i < Math.min(rows, start + batch); i++) text += csvRow(i)
      await write(text)
      await sleep(10) // the demo's pace: readers see it grow
    }
  })
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN']

/** A log that gains one numbered line every `intervalMs`, `lines` times, then closes. */
export function startLogProducer(lines: number, intervalMs: number, visitor?: string): Promise<StartedProducer> {
  const options = { contentType: 'text/plain', metadata: { demo: 'logs', lines: String(lines) }, ttl: 86_400 }
  return startProducer('logs', visitor, options, async (write) => {
    for (let n = 1; n <= lines; n++) {
      const level = LEVELS[n % LEVELS.length]
      await write(`${new Date().toISOString()} ${level} worker-${n % 3} line ${n} of ${lines}\n`)
      if (n < lines) await sleep(intervalMs)
    }
  })
}
