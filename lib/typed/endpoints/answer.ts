import type { LanguageModelV4 } from '@ai-sdk/provider'
import { streamText, type FinishReason } from 'ai'
import { z } from 'zod'
import { chatModel, type ChatModelInfo, modelError, modelTelemetry } from '@/lib/ai'
import { config } from '@/lib/config'
import { AppError } from '@/lib/errors'
import { defineStream } from '@/lib/typed/define'

const INSTRUCTIONS = 'You are the assistant inside Sluice, an app that demonstrates streaming in web backends. Answer concisely.'

const tokens = z.number().int().nonnegative().optional()

/** The finish reasons of the AI SDK, and `cancelled` for an answer stopped by its caller. */
const finishReasons = [
  'stop',
  'length',
  'content-filter',
  'tool-calls',
  'error',
  'interrupted',
  'other',
  'cancelled',
] as const satisfies readonly (FinishReason | 'cancelled')[]

export const answerInput = z.object({
  prompt: z.string().trim().min(1, 'Write a prompt').max(4_000).describe('What to ask the model'),
  reasoning: z.boolean().default(false).describe('Also stream the model’s reasoning, when it shares it (the offline model does)'),
  maxOutputTokens: z.number().int().min(1).max(4_000).default(800).describe('The most tokens the model may write'),
})

export const answerChunk = z.object({
  kind: z.enum(['text', 'reasoning']),
  /** The token(s) the model just produced, as the provider sent them. */
  delta: z.string(),
})

export const answerFinal = z.object({
  /** The whole answer (text only), as far as it got. */
  text: z.string(),
  finishReason: z.enum(finishReasons),
  /** Token counts as the provider reported them; absent when the answer was cancelled before the end. */
  usage: z.object({ inputTokens: tokens, outputTokens: tokens, totalTokens: tokens }),
  /** Which model answered, e.g. `Offline model (sluice-offline-1, built in, no key needed)`. */
  model: z.string(),
})

/**
 * Defines the answer stream on a model source: the app's model layer by default (the offline
 * model, or OpenAI when `OPENAI_API_KEY` is set: `lib/ai/model.ts`); tests hand in their own.
 */
export function defineAnswerStream(model: () => { model: LanguageModelV4; info: Pick<ChatModelInfo, 'label'> }) {
  return defineStream({
    name: 'answer',
    input: answerInput,
    chunk: answerChunk,
    final: answerFinal,
    /**
     * One model call, its tokens forwarded as chunks at the client's pace (each write awaits the
     * response). A cancel aborts `writer.signal`, which is the call's `abortSignal`: the provider's
     * request is aborted (the offline model stops producing), and the `cancel` frame carries the
     * answer so far.
     */
    handler: async function answer(input, writer, { signal }) {
      const { model: languageModel, info } = model()
      let text = ''
      let finishReason: (typeof finishReasons)[number] = 'cancelled'
      let usage: z.infer<typeof answerFinal>['usage'] = {}
      try {
        const result = streamText({
          model: languageModel,
          instructions: INSTRUCTIONS,
          prompt: input.prompt,
          maxOutputTokens: input.maxOutputTokens,
          maxRetries: config().SLUICE_MODEL_MAX_RETRIES,
          abortSignal: signal,
          telemetry: modelTelemetry(),
          onError: () => {}, // the `error` part below is the one place errors are handled
        })
        for await (const part of result.stream) {
          if (part.type === 'text-delta') {
            text += part.text
            await writer.write({ kind: 'text', delta: part.text })
          } else if (part.type === 'reasoning-delta' && input.reasoning) {
            await writer.write({ kind: 'reasoning', delta: part.text })
          } else if (part.type === 'finish') {
            finishReason = part.finishReason
            const { inputTokens, outputTokens, totalTokens } = part.totalUsage
            usage = { inputTokens, outputTokens, totalTokens }
          } else if (part.type === 'error') {
            throw part.error
          }
        }
      } catch (error) {
        // After a cancel the abort is expected: the answer so far becomes the partial result.
        if (!writer.cancelled) throw error instanceof AppError ? error : modelError(error)
      }
      writer.close({ text, finishReason: writer.cancelled ? 'cancelled' : finishReason, usage, model: info.label })
    },
  })
}

/** An answer from the app's model as a typed stream: the prompt in, tokens as chunks, usage and finish reason at the end. */
export const answerStream = defineAnswerStream(chatModel)
