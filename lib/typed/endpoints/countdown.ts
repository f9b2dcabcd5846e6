import { z } from 'zod'
import { sleep } from '@/lib/async'
import { defineStream } from '@/lib/typed/define'

/**
 * The `countdown` stream: counts down from `from` to 1, one chunk per number, pausing `delayMs`
 * between them, then completes with how many it sent. Replace the schemas and the handler with
 * your own; the frame invariants (one terminal frame, nothing after it) stay the library's job.
 */
export const countdownStream = defineStream({
  name: 'countdown',
  // z.coerce: the input may come from a query string (GET), where every value is a string.
  input: z.object({
    from: z.coerce.number<number>().int().min(1).max(1_000).default(5).describe('The number to count down from'),
    delayMs: z.coerce.number<number>().int().min(0).max(10_000).default(500).describe('The pause between two numbers, in ms'),
  }),
  chunk: z.object({ n: z.number().int() }),
  final: z.object({ sent: z.number().int() }),
  handler: async function countdown({ from, delayMs }, writer) {
    let sent = 0
    try {
      for (let n = from; n > 0; n--) {
        await writer.write({ n }) // resolves at the client's reading pace; rejects once cancelled
        sent++
        if (n > 1 && delayMs > 0) await sleep(delayMs, writer.signal)
      }
    } catch (error) {
      if (!writer.cancelled) throw error
    }
    writer.close({ sent }) // after a cancel, this is the `cancel` frame's partial result
  },
})
