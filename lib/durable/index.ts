/**
 * Durable streams' front door (server). The protocol routes (`/v1/stream/*`), the app's own
 * service over the same store (`streams`: create, write, read, follow, list, delete), the live
 * list of a visitor's streams, and the demo producers. Browser code imports `@/lib/durable/client`.
 */
export { nodeStreamHandler, type NodeStreamContext, preflight, preflightRoute, streamResponses, streamRoute } from './protocol'
export { streamUrl } from './protocol-common'
export { streams, streamUrlPath, type CreateStreamOptions, type StreamInfo, type StreamWriter } from './service'
export { metadataSchema, namespaceSchema, pagingSchema } from './service-options'
export {
  createBodySchema,
  METADATA_KEY_MAX,
  METADATA_MAX_KEYS,
  METADATA_VALUE_MAX,
  MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  NAME_MAX,
  NAMESPACE_MAX,
} from './create-options'
export { liveList, type ListPage, type LiveListSource } from './live-list'
export { startCsvExport, startLogProducer, type StartedProducer } from './demo-producers'
export { startBackgroundWrite, type BackgroundWrite, type BackgroundWriteSpec, type Prepared } from './background'
export { openStreamStoreAtStart } from './instance'
export type { FollowOptions } from './follow'
export type { WaitOutcome } from './store'
