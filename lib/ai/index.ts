/**
 * The model layer's front door: the chat model (OpenAI, an OpenAI-compatible server, or the
 * offline model), its errors in words, the tools it may call, and the OpenAI-compatible proxy.
 * It imports no other feature: what a tool needs from the app (the search) is handed in.
 */
export { chatModel, createChatModel, DEFAULT_OPENAI_MODEL, describeModel, modelTelemetry, type ChatModelInfo } from './model'
export { modelError, modelErrorText } from './errors'
export { chatTools, type ChatTools } from './tools'
export type { StoredDataHit, StoredDataResult, StoredDataSearch } from './tools/search'
export { OPENAI_API, proxyChatCompletions, proxyUpstream } from './proxy'
