import type { z } from 'zod'
import { openStream as countOpenStream } from '@/lib/activity'
import { abortError } from '@/lib/async'
import { config } from '@/lib/config'
import { AppError, toAppError } from '@/lib/errors'
import type { AnyStreamDefinition, ChunkOf, FinalOf, StreamContext, StreamWriter } from '@/lib/typed/define'
import { FrameQueue } from '@/lib/typed/frame-queue'
import type { CancelReason, FrameError, StreamFrame, TerminalFrame } from '@/lib/typed/frames'
import { consoleLogger, type Logger } from '@/lib/typed/logger'

export interface RunOptions {
  /** The HTTP request, handed to the handler's context. */
  request: Request
  logger?: Logger
  /** Check chunks and final payloads against their schemas. Default: outside production. */
  validate?: boolean
  /** How long to wait for the handler after a cancel before sending `cancel` anyway. */
  cancelGraceMs?: number
  /** The run's id (`streamId`); a fresh UUID by default. */
  id?: string
}

/** One run of a typed stream: its frames (single consumer), its outcome, and cancellation. */
export interface StreamRun<C, F> {
  readonly id: string
  /** The frames, `start` first and exactly one terminal frame last. Returning early cancels. */
  readonly frames: AsyncIterableIterator<StreamFrame<C, F>>
  /** The terminal frame, once sent. */
  readonly outcome: Promise<TerminalFrame<F>>
  /** Resolves when the handler has returned or thrown (it may outlive the terminal frame). */
  readonly settled: Promise<void>
  /** Cancels the run: the handler's signal aborts. False if it was already cancelled or ended. */
  cancel(reason: CancelReason): boolean
}

type Terminal<F> = TerminalFrame<F> extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never

/** The `{ code, message }` of an error frame: never the stack, never an unknown error's message. */
export function frameError(error: unknown): FrameError {
  const appError = toAppError(error)
  return { code: appError.code, message: appError.message }
}

/** A rejected promise that is not reported as unhandled when a handler does not await it. */
function rejected(reason: unknown): Promise<never> {
  const promise = Promise.reject(reason)
  promise.catch(() => {})
  return promise
}

function checkPayload(schema: z.ZodType, value: unknown, what: 'chunk' | 'final', stream: string): AppError | undefined {
  const parsed = schema.safeParse(value)
  if (parsed.success) return undefined
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  return new AppError(
    `internal:invalid_${what}`,
    `The stream "${stream}" produced a ${what} that does not match its schema (${where}${issue?.message ?? 'invalid'})`,
  )
}

/**
 * Starts a typed stream's handler with already-validated input and returns its frames.
 *
 * The library, not the handler, guarantees the invariants: a `start` frame first; exactly one
 * terminal frame whatever the handler does (returns without closing → `error`
 * `internal:stream_unclosed`; throws → `error` with the error's code; cancelled → `cancel`, after
 * the handler stops or after the grace period); nothing after the terminal frame.
 */
export function startStream<D extends AnyStreamDefinition>(
  definition: D,
  input: z.output<D['input']>,
  options: RunOptions,
): StreamRun<ChunkOf<D>, FinalOf<D>> {
  type C = ChunkOf<D>
  type F = FinalOf<D>
  const id = options.id ?? crypto.randomUUID()
  const name = definition.name
  const logger = options.logger ?? consoleLogger(`stream ${name} ${id.slice(0, 8)}`)
  const validate = options.validate ?? process.env.NODE_ENV !== 'production'
  const graceMs = options.cancelGraceMs ?? config().SLUICE_STREAM_CANCEL_GRACE_MS
  const startedAt = Date.now()

  const queue = new FrameQueue<StreamFrame<C, F>>()
  const abort = new AbortController()
  const outcome = Promise.withResolvers<TerminalFrame<F>>()
  /** Errors the writer itself threw, so the handler re-throwing them is not logged twice. */
  const ownErrors = new WeakSet<object>()
  let seq = 0
  let state: 'open' | 'cancelling' | 'ended' = 'open'
  let cancelReason: CancelReason | undefined
  let partial: { final: F } | undefined
  let graceTimer: ReturnType<typeof setTimeout> | undefined

  const nextId = () => String(seq++)

  function end(frame: Terminal<F>): void {
    if (state === 'ended') return
    state = 'ended'
    clearTimeout(graceTimer)
    const terminal = { ...frame, id: nextId() } as TerminalFrame<F>
    void queue.push(terminal)
    queue.end()
    outcome.resolve(terminal)
    const fields: Record<string, unknown> = { frames: seq, ms: Date.now() - startedAt }
    if (terminal.type === 'error') fields.code = terminal.data.code
    if (terminal.type === 'cancel') fields.reason = terminal.data.reason
    logger.info(`ended with ${terminal.type}`, fields)
  }

  function endCancelled(): void {
    const reason = cancelReason ?? 'requested'
    end({ type: 'cancel', data: partial ? { reason, final: partial.final } : { reason } })
  }

  function own<E extends Error>(error: E): E {
    ownErrors.add(error)
    return error
  }

  function closedError(): AppError {
    return own(new AppError('conflict:stream_closed', `The stream "${name}" has already ended: nothing more can be sent`))
  }

  function invalid(error: AppError): never {
    logger.error(error.message)
    end({ type: 'error', data: { code: error.code, message: error.message } })
    throw own(error)
  }

  const writer: StreamWriter<C, F> = {
    write(chunk) {
      if (state === 'ended') throw closedError()
      if (state === 'cancelling') return rejected(abort.signal.reason)
      const problem = validate ? checkPayload(definition.chunk, chunk, 'chunk', name) : undefined
      if (problem) invalid(problem)
      return queue.push({ type: 'chunk', id: nextId(), data: chunk })
    },
    close(final) {
      if (state === 'ended') throw closedError()
      const problem = validate ? checkPayload(definition.final, final, 'final', name) : undefined
      if (problem) invalid(problem)
      if (state === 'cancelling') {
        partial = { final }
        endCancelled()
      } else {
        end({ type: 'complete', data: final })
      }
    },
    fail(error) {
      if (state === 'ended') throw closedError()
      if (state === 'cancelling') endCancelled()
      else end({ type: 'error', data: frameError(error) })
    },
    get cancelled() {
      return cancelReason !== undefined
    },
    signal: abort.signal,
  }

  function cancel(reason: CancelReason): boolean {
    if (state !== 'open') return false
    state = 'cancelling'
    cancelReason = reason
    abort.abort(abortError(`The stream was cancelled (${reason})`))
    if (reason === 'disconnected') queue.detach(abort.signal.reason)
    else queue.rejectWaiting(abort.signal.reason)
    graceTimer = setTimeout(() => {
      if (state === 'ended') return
      logger.warn(`the handler did not stop within ${graceMs} ms of the cancel; sending cancel anyway`)
      endCancelled()
    }, graceMs)
    graceTimer.unref?.()
    return true
  }

  const context: StreamContext = { request: options.request, signal: abort.signal, logger, streamId: id }
  void queue.push({ type: 'start', id: nextId(), data: { streamId: id } })

  const settled = (async () => {
    const release = countOpenStream(`stream:${name}`)
    try {
      await Promise.resolve() // let the caller hold the run before the handler's first step
      await definition.handler(input, writer, context)
      if (state === 'open') {
        logger.error('the handler returned without closing the stream')
        end({ type: 'error', data: { code: 'internal:stream_unclosed', message: `The stream "${name}" ended without a result` } })
      } else if (state === 'cancelling') {
        endCancelled()
      }
    } catch (error) {
      if (state === 'open') end({ type: 'error', data: frameError(error) })
      else if (state === 'cancelling') endCancelled()
      else if (!(error instanceof Object && ownErrors.has(error)) && !abort.signal.aborted) {
        logger.error('the handler threw after the stream had ended', { error: String(error) })
      }
    } finally {
      release()
    }
  })()

  const frames: AsyncIterableIterator<StreamFrame<C, F>> = {
    next: () => queue.next(),
    async return() {
      cancel('disconnected')
      queue.detach(abort.signal.reason)
      return { value: undefined, done: true }
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }

  return { id, frames, outcome: outcome.promise, settled, cancel }
}
