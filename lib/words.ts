import { openStream } from '@/lib/activity'
import { sleep } from '@/lib/async'

/** The text the words demo streams, one token at a time (document 001's point, in its own words). */
const PASSAGE =
  'A streaming route handler flushes bytes as soon as they are available instead of buffering the whole response. ' +
  'That is exactly the model an LLM token stream needs: anything iterable works, from database cursors to file reads to model tokens, ' +
  'and the client reads each chunk the moment it arrives.'

const TOKENS = PASSAGE.split(/(?<= )/)

export interface WordsOptions {
  /** How many tokens to send (the passage repeats if needed). */
  count: number
  /** Pause after each token, in ms. */
  delayMs: number
  /**
   * Follow each token with `@<ms>\n`, the moment it was produced in epoch milliseconds on the
   * process's monotonic clock (`performance.timeOrigin + performance.now()`). For measuring
   * delivery delay from the same machine (`bench/foundation.mjs`); off by default.
   */
  stamp?: boolean
  signal?: AbortSignal
}

/** `<token>@<production time in ms, 3 decimals>\n`: what a stamped token looks like on the wire. */
const stamped = (token: string) => `${token}@${(performance.timeOrigin + performance.now()).toFixed(3)}\n`

/**
 * Yields `count` tokens with a pause after each. While it runs it counts as one open `words`
 * stream; the count drops in `finally`, whether the stream ended, failed or was cancelled.
 */
export async function* words({ count, delayMs, stamp = false, signal }: WordsOptions): AsyncGenerator<string> {
  const close = openStream('words')
  try {
    for (let i = 0; i < count; i++) {
      const token = TOKENS[i % TOKENS.length]!
      yield stamp ? stamped(token) : token
      if (i < count - 1) await sleep(delayMs, signal)
    }
  } finally {
    close()
  }
}
