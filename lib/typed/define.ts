import type { z } from 'zod'
import type { Logger } from '@/lib/typed/logger'

/**
 * What a handler writes with. Every method enforces the stream's invariants: one terminal frame,
 * nothing after it, chunks and final payloads that match their schemas (checked outside production).
 */
export interface StreamWriter<C, F> {
  /**
   * Sends one `chunk` frame. The promise resolves once the frame is taken by the response (the
   * client's reading pace: await it for backpressure) and rejects with an `AbortError` once the
   * stream is cancelled. Throws `conflict:stream_closed` after the terminal frame, and
   * `internal:invalid_chunk` (ending the stream with an `error` frame) for a chunk that does not
   * match the schema.
   */
  write(chunk: C): Promise<void>
  /**
   * Ends the stream with a `complete` frame carrying `final`. Called after a cancellation, it
   * records `final` as the partial result in the `cancel` frame instead.
   */
  close(final: F): void
  /** Ends the stream with an `error` frame: the error's code and message (unknown errors are generic). */
  fail(error: unknown): void
  /** True once the client cancelled or went away. Check it in loops. */
  readonly cancelled: boolean
  /** Aborted when the stream is cancelled: hand it to anything the handler awaits. */
  readonly signal: AbortSignal
}

/** What a handler gets besides its input and writer. */
export interface StreamContext {
  /** The HTTP request (headers; the body when the input came from the query string). */
  request: Request
  /** The same signal as `writer.signal`. */
  signal: AbortSignal
  /** Logs with the stream's name and id. */
  logger: Logger
  /** This run's id, as sent in the `start` frame. */
  streamId: string
}

/**
 * A check that runs after the input is valid and before the first frame. It refuses by throwing an
 * `AppError` (`unauthorized:*` → 401, `forbidden:*` → 403, or any other kind) or by returning `false`
 * (→ 403 `forbidden:stream`).
 */
export type StreamGuard<I> = (request: Request, input: I) => boolean | void | Promise<boolean | void>

/** The stream function. Write it as an `async function` (named, for stack traces). */
export type StreamHandler<I, C, F> = (input: I, writer: StreamWriter<C, F>, context: StreamContext) => Promise<void>

export interface StreamSpec<I extends z.ZodType, C extends z.ZodType, F extends z.ZodType> {
  /** A short name: used in logs and in the live activity counters (`stream:<name>`). */
  name: string
  /** The input: the JSON body of a POST, or the query string (GET, or a POST whose body is an upload). */
  input: I
  /** Each chunk's payload. */
  chunk: C
  /** The `complete` frame's payload. */
  final: F
  guards?: readonly StreamGuard<z.output<I>>[]
  handler: StreamHandler<z.output<I>, z.output<C>, z.output<F>>
}

/** A typed stream: its schemas, guards and handler. Turn it into a route with `streamRoute()`. */
export type StreamDefinition<I extends z.ZodType = z.ZodType, C extends z.ZodType = z.ZodType, F extends z.ZodType = z.ZodType> = Readonly<
  StreamSpec<I, C, F>
> & { readonly kind: 'typed-stream' }

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the widest definition, for generic constraints
export type AnyStreamDefinition = StreamDefinition<any, any, any>

/** What a client sends: the input schema's input type. */
export type InputOf<D extends AnyStreamDefinition> = z.input<D['input']>
/** What each `chunk` frame carries. */
export type ChunkOf<D extends AnyStreamDefinition> = z.output<D['chunk']>
/** What the `complete` frame carries. */
export type FinalOf<D extends AnyStreamDefinition> = z.output<D['final']>

const namePattern = /^[a-z][a-z0-9-]*$/

/**
 * Defines a typed stream.
 *
 * ```ts
 * export const countdown = defineStream({
 *   name: 'countdown',
 *   input: z.object({ from: z.number().int().min(1) }),
 *   chunk: z.object({ n: z.number() }),
 *   final: z.object({ done: z.literal(true) }),
 *   handler: async function countdown({ from }, writer) {
 *     for (let n = from; n > 0 && !writer.cancelled; n--) await writer.write({ n })
 *     writer.close({ done: true })
 *   },
 * })
 * ```
 */
export function defineStream<I extends z.ZodType, C extends z.ZodType, F extends z.ZodType>(
  spec: StreamSpec<I, C, F>,
): StreamDefinition<I, C, F> {
  if (!namePattern.test(spec.name)) {
    throw new TypeError(`Stream name "${spec.name}" must be kebab-case (a-z, 0-9, -), starting with a letter`)
  }
  return Object.freeze({ ...spec, kind: 'typed-stream' as const })
}
