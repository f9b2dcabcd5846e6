import { tool, zodSchema } from 'ai'
import { z } from 'zod'
import { evaluate, formatNumber, MAX_EXPRESSION_LENGTH } from '@/lib/ai/tools/calculator'
import type { StoredDataSearch } from '@/lib/ai/tools/search'
import { currentTime } from '@/lib/ai/tools/time'

// Input schemas wrapped once per process: `zodSchema()` caches its JSON Schema, so the
// conversion is not paid again on every model call (a few ms each for three tools).
const timeInput = zodSchema(
  z.object({ timeZone: z.string().min(1).max(64).describe('IANA time zone such as Europe/Paris, or a city name') }),
)
const calculateInput = zodSchema(
  z.object({ expression: z.string().min(1).max(MAX_EXPRESSION_LENGTH).describe('For example (12 + 30) * 2 ^ 3 / sqrt(16)') }),
)
const searchInput = zodSchema(z.object({ query: z.string().min(1).max(200).describe('Words to look for') }))

/**
 * The tools the chat model may call. Each does real work on this machine; a failure is thrown
 * and becomes a tool error the model reads (and the UI shows), never a fake result.
 * `search` is the app's search of its stored data (the chat passes one scoped to the asking
 * chat's owner, leaving that chat out).
 */
export function chatTools({ search }: { search: StoredDataSearch }) {
  return {
    currentTime: tool({
      description: 'The current date and time in a time zone. Accepts an IANA name (Asia/Tokyo) or a city (Tokyo).',
      inputSchema: timeInput,
      execute: async ({ timeZone }, { abortSignal }) => {
        abortSignal?.throwIfAborted()
        return currentTime(timeZone)
      },
    }),
    calculate: tool({
      description: 'Evaluates an arithmetic expression exactly: + - * / % ^, parentheses, sqrt, abs, round, min, max, ln, log, pi, e.',
      inputSchema: calculateInput,
      execute: async ({ expression }, { abortSignal }) => {
        abortSignal?.throwIfAborted()
        return { expression, result: formatNumber(evaluate(expression)) }
      },
    }),
    searchData: tool({
      description: 'Searches the data stored in this Sluice app (past chat conversations) for text containing every word of the query.',
      inputSchema: searchInput,
      execute: async ({ query }, { abortSignal }) => {
        abortSignal?.throwIfAborted()
        return search(query, { signal: abortSignal })
      },
    }),
  }
}

export type ChatTools = ReturnType<typeof chatTools>
