import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  type LanguageModelV4Content,
  type LanguageModelV4GenerateResult,
  type LanguageModelV4StreamPart,
  type LanguageModelV4StreamResult,
  type LanguageModelV4Usage,
} from '@ai-sdk/provider'
import { sleep } from '@/lib/async'
import { plan, type Turn } from '@/lib/ai/offline/planner'
import { hash, tokenize } from '@/lib/ai/offline/text'

export const OFFLINE_MODEL_ID = 'sluice-offline-1'

export interface OfflineModelOptions {
  /** Delay before each token, in ms (default 30: about 33 tokens/s, a typical hosted model). */
  tokenMs?: number
  /** Delay before the first part, in ms, as a model's "time to first token" (default 4 × tokenMs). */
  firstTokenMs?: number
}

const FAILURES = {
  401: 'Incorrect API key provided (offline model, /fail 401)',
  429: 'Rate limit reached for requests (offline model, /fail 429)',
  500: 'The server had an error while processing your request (offline model, /fail 500)',
  503: 'The engine is currently overloaded (offline model, /fail 503)',
} as const

function usage(input: number, text: number, reasoning: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: text + reasoning, text, reasoning },
  }
}

function promptTokens(options: LanguageModelV4CallOptions): number {
  return tokenize(JSON.stringify(options.prompt)).length
}

function toolNames(options: LanguageModelV4CallOptions): Set<string> {
  if (options.toolChoice?.type === 'none') return new Set()
  return new Set((options.tools ?? []).flatMap((t) => (t.type === 'function' ? [t.name] : [])))
}

/** The parts of one turn, in order, without timing. Tool input is streamed as JSON text. */
function* parts(turn: Turn, ids: { reasoning: string; text: string; call: string }): Generator<LanguageModelV4StreamPart> {
  yield { type: 'reasoning-start', id: ids.reasoning }
  for (const delta of tokenize(turn.reasoning)) yield { type: 'reasoning-delta', id: ids.reasoning, delta }
  yield { type: 'reasoning-end', id: ids.reasoning }
  if (turn.action.type === 'text') {
    yield { type: 'text-start', id: ids.text }
    for (const delta of tokenize(turn.action.text)) yield { type: 'text-delta', id: ids.text, delta }
    yield { type: 'text-end', id: ids.text }
  } else {
    const { toolName, input } = turn.action
    const json = JSON.stringify(input)
    yield { type: 'tool-input-start', id: ids.call, toolName }
    for (const delta of json.match(/.{1,6}/gsu) ?? []) yield { type: 'tool-input-delta', id: ids.call, delta }
    yield { type: 'tool-input-end', id: ids.call }
    yield { type: 'tool-call', toolCallId: ids.call, toolName, input: json }
  }
}

/**
 * Sluice's built-in model: a real implementation of the AI SDK's `LanguageModelV4` interface
 * that needs no key and no network. It streams its answer token by token at a steady pace,
 * emits reasoning, calls the chat tools when a message asks for what they provide (and
 * continues when their results come back), is deterministic for a given conversation, and
 * stops as soon as the call's `abortSignal` aborts.
 *
 * A message starting with `/fail 401|429|500|503|midstream` makes it fail the way a provider
 * does (an `APICallError` with that status, or a stream that breaks after a few tokens).
 */
export class OfflineLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4'
  readonly provider = 'sluice.offline'
  readonly modelId = OFFLINE_MODEL_ID
  readonly supportedUrls = {}
  private readonly tokenMs: number
  private readonly firstTokenMs: number

  constructor(options: OfflineModelOptions = {}) {
    this.tokenMs = options.tokenMs ?? 30
    this.firstTokenMs = options.firstTokenMs ?? this.tokenMs * 4
  }

  private turn(options: LanguageModelV4CallOptions): { turn: Turn; ids: { reasoning: string; text: string; call: string } } {
    options.abortSignal?.throwIfAborted()
    const turn = plan(options.prompt, toolNames(options))
    if (turn.failure?.kind === 'status') {
      const status = turn.failure.status
      throw new APICallError({
        message: FAILURES[status],
        url: 'offline://sluice/v1/chat',
        requestBodyValues: { prompt: options.prompt },
        statusCode: status,
        responseBody: JSON.stringify({ error: { message: FAILURES[status] } }),
        isRetryable: false,
      })
    }
    const id = hash(JSON.stringify(options.prompt)).toString(36)
    return { turn, ids: { reasoning: `rs_${id}`, text: `txt_${id}`, call: `call_${id}` } }
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { turn, ids } = this.turn(options)
    const content: LanguageModelV4Content[] = [{ type: 'reasoning', text: turn.reasoning }]
    if (turn.action.type === 'text') content.push({ type: 'text', text: turn.action.text })
    else content.push({ type: 'tool-call', toolCallId: ids.call, toolName: turn.action.toolName, input: JSON.stringify(turn.action.input) })
    const text = turn.action.type === 'text' ? tokenize(turn.action.text).length : 0
    return {
      content,
      finishReason: { unified: turn.action.type === 'text' ? 'stop' : 'tool-calls', raw: undefined },
      usage: usage(promptTokens(options), text, tokenize(turn.reasoning).length),
      warnings: [],
      response: { id: ids.text, modelId: this.modelId, timestamp: new Date() },
    }
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { turn, ids } = this.turn(options)
    const signal = options.abortSignal
    const source = parts(turn, ids)
    const breakAfter = turn.failure?.kind === 'midstream' ? 12 : Infinity
    let textTokens = 0
    let reasoningTokens = 0
    let started = false
    const inputTokens = promptTokens(options)
    const modelId = this.modelId

    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        controller.enqueue({ type: 'stream-start', warnings: [] })
        controller.enqueue({ type: 'response-metadata', id: ids.text, modelId, timestamp: new Date() })
      },
      pull: async (controller) => {
        try {
          const next = source.next()
          if (next.done) {
            const finishReason = turn.action.type === 'text' ? 'stop' : 'tool-calls'
            controller.enqueue({
              type: 'finish',
              finishReason: { unified: finishReason, raw: finishReason },
              usage: usage(inputTokens, textTokens, reasoningTokens),
            })
            controller.close()
            return
          }
          const part = next.value
          if (part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-input-delta') {
            const delay = started ? this.tokenMs : this.firstTokenMs
            // 0 ms means "as fast as the reader reads": no timer tick, but still stoppable.
            if (delay > 0) await sleep(delay, signal)
            else signal?.throwIfAborted()
            started = true
            if (part.type === 'reasoning-delta') reasoningTokens++
            if (part.type === 'text-delta' && ++textTokens > breakAfter)
              throw new TypeError('terminated: the model connection broke mid-stream (offline model, /fail midstream)')
          }
          controller.enqueue(part)
        } catch (error) {
          // An abort ends the stream with the signal's reason, as a provider's aborted fetch does.
          controller.error(error)
        }
      },
      cancel() {
        void source.return(undefined)
      },
    })
    return { stream, request: { url: 'offline://sluice/v1/chat' } }
  }
}
