/**
 * Typed streams’ front door (server): define a stream (input, chunk and final schemas), serve it
 * as a route, describe it as JSON Schema. Browser code imports `@/lib/typed/client`.
 */
export {
  defineStream,
  type AnyStreamDefinition,
  type ChunkOf,
  type FinalOf,
  type InputOf,
  type StreamContext,
  type StreamDefinition,
  type StreamGuard,
  type StreamHandler,
  type StreamSpec,
  type StreamWriter,
} from './define'
export { streamHandlers, streamRoute, type StreamRouteOptions } from './route'
export { streamSchemas, type JsonSchema, type StreamSchemas } from './json-schema'
export { FRAME_TYPES, isTerminal, TERMINAL_TYPES, type CancelReason, type FrameType, type StreamFrame } from './frames'
// The app's typed endpoints (`app/api/typed/catalogue.ts` lists them for GET /api/typed and /typed).
export { answerStream, defineAnswerStream } from './endpoints/answer'
export { countdownStream } from './endpoints/countdown'
// new:stream adds exports above this line
