/**
 * The chat's front door (server): starting, resuming and stopping a generation, the chats
 * themselves, and the stream of an answer. Browser code imports `@/lib/chat/client`.
 */
export { startGeneration, generationKey, GENERATION_NAMESPACE, type Generation } from './generation'
export { deleteChat, getChat, listChats, renameChat, resumeGeneration, stopGeneration } from './control'
export { chatStore } from './instance'
export { chatIdSchema, chatTitleSchema, messageText, type Chat, type ChatSearchHit, type ChatStore, type ChatSummary } from './store'
export { FILTERED, parseErrorText, RECONNECT_PART, type ChatMessage, type ChatMetadata } from './messages'
export { answerSoFar } from './answer-so-far'
export { finalizeUIStream, reconnectPart } from './ui-stream'
export { searchStoredData } from './search'
export { beginChatTiming, chatTimingOf, isTokenChunk, markFirst, type ChatTiming } from './timing'
