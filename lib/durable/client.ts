/**
 * Durable streams' light door, safe in a browser bundle: the create form's schema and limits, the
 * shape of a listed stream, and what `proxy.ts` needs before any route runs.
 */
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
export type { StreamInfo } from './service'

// Light parts (no store, no Node modules) that `proxy.ts` uses before any route runs.
export { STREAM_ROUTE } from './stream-route'
export { baseHeaders } from './protocol-headers'
