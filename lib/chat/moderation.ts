import type { LanguageModelV4 } from '@ai-sdk/provider'
import { generateText, Output, type StreamTextTransform, type TextStreamPart, type ToolSet } from 'ai'
import { z } from 'zod'
import { modelTelemetry } from '@/lib/ai'
import { FILTERED } from '@/lib/chat/messages'

/** A judge's verdict on one sentence. */
export interface Verdict {
  safe: boolean
  reason?: string
}

/** Decides whether a sentence may be shown. */
export type Judge = (sentence: string, signal?: AbortSignal) => Promise<Verdict>

/** A sentence that was replaced, kept for the audit record. */
export interface FilteredSentence {
  sentence: string
  reason: string
}

function luhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return sum % 10 === 0
}

const RULES: Array<{ reason: string; test: (s: string) => boolean }> = [
  {
    reason: 'payment card number',
    test: (s) => (s.match(/\b(?:\d[ -]?){13,19}\b/g) ?? []).some((m) => luhn(m.replace(/\D/g, ''))),
  },
  {
    reason: 'secret key or credential',
    test: (s) => /\bsk-[A-Za-z0-9_-]{16,}|\bAKIA[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bpassword\s*[:=]\s*\S+/i.test(s),
  },
  {
    reason: 'threat of violence',
    test: (s) => /\b(?:i|we|they|he|she)\s*(?:'ll|\s+will|\s+am going to|\s+are going to)\s+(?:kill|hurt|attack|shoot|stab)\b/i.test(s),
  },
]

/**
 * The offline judge: deterministic rules for what must not leak into an answer — payment card
 * numbers (checked with Luhn), secret keys and passwords, threats of violence.
 */
export const ruleJudge: Judge = async (sentence) => {
  const hit = RULES.find((r) => r.test(sentence))
  return hit ? { safe: false, reason: hit.reason } : { safe: true }
}

const verdictSchema = z.object({
  safe: z.boolean().describe('true if the text may be shown to the user'),
  reason: z.string().optional().describe('why not, in a few words, when unsafe'),
})

/**
 * A judge that asks a model, with a zod schema for the answer (`generateText` with
 * `Output.object`, the AI SDK 7 successor of `generateObject`). A judge that fails is treated
 * as "not safe": moderation fails closed.
 */
export function modelJudge(model: LanguageModelV4): Judge {
  return async (sentence, signal) => {
    try {
      const { output } = await generateText({
        model,
        output: Output.object({ schema: verdictSchema }),
        instructions:
          'You moderate a chat answer sentence by sentence. Unsafe: harmful instructions, threats, harassment, personal or payment data, secrets. Everything else is safe.',
        prompt: `Sentence: ${JSON.stringify(sentence)}`,
        abortSignal: signal,
        maxRetries: 1,
        telemetry: modelTelemetry(),
      })
      return output
    } catch (error) {
      if (signal?.aborted) throw error
      return { safe: false, reason: 'the moderation judge failed' }
    }
  }
}

/** Complete sentences at the start of `text` (each with its trailing space), and the rest. */
export function splitSentences(text: string): { sentences: string[]; rest: string } {
  const sentences: string[] = []
  const end = /[.!?…]+["”’)\]]*(?:\s+|$)|\n\s*/gu
  let start = 0
  for (let m = end.exec(text); m; m = end.exec(text)) {
    if (m.index + m[0].length === text.length && !/\s$/.test(m[0])) break // "3." might become "3.5"
    sentences.push(text.slice(start, m.index + m[0].length))
    start = m.index + m[0].length
  }
  return { sentences, rest: text.slice(start) }
}

/**
 * Moderation while streaming, as a `streamText` transform: text is held back until a sentence
 * is complete, the sentence is judged, and it is released — or replaced with
 * `[Content filtered]`. Everything else (reasoning, tool calls) passes through. On `text-end`
 * the unfinished rest is judged too; on an abort it is dropped (it was never checked).
 */
export function moderateText<TOOLS extends ToolSet>(
  judge: Judge,
  options: { signal?: AbortSignal; onFiltered?: (f: FilteredSentence) => void } = {},
): StreamTextTransform<TOOLS> {
  return () => {
    const buffers = new Map<string, string>()
    async function release(id: string, text: string, controller: TransformStreamDefaultController<TextStreamPart<TOOLS>>) {
      if (!text) return
      const verdict = await judge(text.trim(), options.signal)
      if (verdict.safe) {
        controller.enqueue({ type: 'text-delta', id, text })
        return
      }
      options.onFiltered?.({ sentence: text.trim(), reason: verdict.reason ?? 'unsafe' })
      controller.enqueue({ type: 'text-delta', id, text: `${FILTERED}${/\s+$/.exec(text)?.[0] ?? ''}` })
    }
    return new TransformStream<TextStreamPart<TOOLS>, TextStreamPart<TOOLS>>({
      async transform(part, controller) {
        if (part.type === 'text-delta') {
          const { sentences, rest } = splitSentences((buffers.get(part.id) ?? '') + part.text)
          buffers.set(part.id, rest)
          for (const sentence of sentences) await release(part.id, sentence, controller)
          return
        }
        if (part.type === 'text-end') {
          const rest = buffers.get(part.id) ?? ''
          buffers.delete(part.id)
          await release(part.id, rest, controller)
        }
        if (part.type === 'abort') buffers.clear()
        controller.enqueue(part)
      },
    })
  }
}
