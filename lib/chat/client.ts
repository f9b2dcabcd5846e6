/** The chat's browser-safe door: message shapes and helpers a client component may import (no store, no Node). */
export { FILTERED, parseErrorText, RECONNECT_PART, type ChatMessage, type ChatMetadata } from './messages'
export { chatIdSchema, messageText, type Chat, type ChatSummary } from './store'
