/**
 * The frames of a typed stream, shared by the server (which writes them as SSE events) and the
 * client (which reads them back). Types only, plus two constants: safe to import from the browser.
 *
 * A stream is `start`, any number of `chunk`s, then exactly one terminal frame: `complete`,
 * `error` or `cancel`. Every frame carries an `id`: its position in the stream, from 0.
 */

/** Why a stream was cancelled: the client asked (`DELETE ?stream=<id>`), or it went away. */
export type CancelReason = 'requested' | 'disconnected'

/** What an `error` frame carries: the app's error code and a message. Never a stack trace. */
export interface FrameError {
  code: string
  message: string
}

export interface StartFrame {
  type: 'start'
  id: string
  /** `streamId` names this run: the client cancels it with `DELETE <endpoint>?stream=<streamId>`. */
  data: { streamId: string }
}

export interface ChunkFrame<C> {
  type: 'chunk'
  id: string
  data: C
}

export interface CompleteFrame<F> {
  type: 'complete'
  id: string
  data: F
}

export interface ErrorFrame {
  type: 'error'
  id: string
  data: FrameError
}

export interface CancelFrame<F> {
  type: 'cancel'
  id: string
  /** `final` is the partial result the handler closed with after it saw the cancellation, if it did. */
  data: { reason: CancelReason; final?: F }
}

export type TerminalFrame<F> = CompleteFrame<F> | ErrorFrame | CancelFrame<F>

export type StreamFrame<C, F> = StartFrame | ChunkFrame<C> | TerminalFrame<F>

export type FrameType = StreamFrame<unknown, unknown>['type']

/** Every frame type, in the order a stream can produce them. */
export const FRAME_TYPES: readonly FrameType[] = ['start', 'chunk', 'complete', 'error', 'cancel']

/** The frame types that end a stream. */
export const TERMINAL_TYPES: readonly FrameType[] = ['complete', 'error', 'cancel']

/** True for `complete`, `error` and `cancel` frames. */
export function isTerminal<C, F>(frame: StreamFrame<C, F>): frame is TerminalFrame<F> {
  return TERMINAL_TYPES.includes(frame.type)
}
