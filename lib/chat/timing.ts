import type { LanguageModelV4 } from '@ai-sdk/provider'
import { config } from '@/lib/config'

/**
 * Where an answer's time to first token goes, stage by stage (`SLUICE_CHAT_TIMING=1`, for
 * `npm run bench:chat`): the route and `startGeneration` mark each stage they pass with the
 * moment (epoch ms, sub-millisecond: `performance.timeOrigin + performance.now()`, the clock a
 * client on the same machine reads too), and once the first token's bytes have left, one line
 * `[sluice] chat-timing {"chatId":…,"marks":[[stage, ms], …]}` is printed. Off (the default),
 * every mark is a call to a function that does nothing.
 */
export interface ChatTiming {
  readonly on: boolean
  mark(stage: string): void
}

const OFF: ChatTiming = { on: false, mark() {} }
const now = () => performance.timeOrigin + performance.now()
const byRequest = new WeakMap<Request, ChatTiming>()

/** Starts timing a request (at the route's entry, before the guard); returns the timing (inert when off). */
export function beginChatTiming(request: Request): ChatTiming {
  if (config().SLUICE_CHAT_TIMING !== '1') return OFF
  const marks: Array<[string, number]> = [['entry', now()]]
  let chatId: string | undefined
  let printed = false
  const timing: ChatTiming = {
    on: true,
    mark(stage) {
      if (stage.startsWith('chat:')) chatId = stage.slice(5)
      else marks.push([stage, now()])
      if (stage === 'first-byte' && !printed) {
        printed = true
        setImmediate(() => console.log(`[sluice] chat-timing ${JSON.stringify({ chatId, marks })}`))
      }
    },
  }
  byRequest.set(request, timing)
  return timing
}

/** The timing {@link beginChatTiming} started for `request` (inert when none). */
export const chatTimingOf = (request: Request): ChatTiming => byRequest.get(request) ?? OFF

const isToken = (type: string) => type === 'text-delta' || type === 'reasoning-delta'

/**
 * The model with its own moments marked — `model-call` when its stream is asked for,
 * `model-token` when it yields its first text or reasoning delta — so the model's own time to
 * first token is told apart from ours. Off, the model itself.
 */
export function timedModel(model: LanguageModelV4, timing: ChatTiming): LanguageModelV4 {
  if (!timing.on) return model
  return new Proxy(model, {
    get(target, key) {
      if (key !== 'doStream') {
        const value = Reflect.get(target, key) as unknown
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      }
      return async (options: Parameters<LanguageModelV4['doStream']>[0]) => {
        timing.mark('model-call')
        const result = await target.doStream(options)
        let seen = false
        const stream = result.stream.pipeThrough(
          new TransformStream({
            transform(part, controller) {
              if (!seen && isToken(part.type)) {
                seen = true
                timing.mark('model-token')
              }
              controller.enqueue(part)
            },
          }),
        )
        return { ...result, stream }
      }
    },
  })
}

/**
 * Marks `stage` when the first chunk matching `isFirst` passes through `stream` (read by the
 * next stage, e.g. by Next.js writing the response). Off, `stream` itself.
 */
export function markFirst<T>(
  stream: ReadableStream<T>,
  timing: ChatTiming,
  stage: string,
  isFirst: (chunk: T) => boolean,
): ReadableStream<T> {
  if (!timing.on) return stream
  let seen = false
  return stream.pipeThrough(
    new TransformStream<T, T>({
      transform(chunk, controller) {
        if (!seen && isFirst(chunk)) {
          seen = true
          timing.mark(stage)
        }
        controller.enqueue(chunk)
      },
    }),
  )
}

/** A UI message chunk that carries the first token (text or reasoning). */
export const isTokenChunk = (chunk: { type: string }) => isToken(chunk.type)
