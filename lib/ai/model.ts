import { createOpenAI } from '@ai-sdk/openai'
import type { LanguageModelV4 } from '@ai-sdk/provider'
import type { TelemetryOptions } from 'ai'
import { OFFLINE_MODEL_ID, OfflineLanguageModel } from '@/lib/ai/offline/model'
import { config, type Config } from '@/lib/config'
import { singleton } from '@/lib/singleton'

/** Which model answers, in words the UI can show as they are. */
export interface ChatModelInfo {
  provider: 'openai' | 'offline'
  modelId: string
  /** The API `@ai-sdk/openai` talks to (`responses` or `chat` completions); absent offline. */
  api?: 'responses' | 'chat'
  /** The OpenAI-compatible server, when not api.openai.com. */
  baseUrl?: string
  /** One line for people, e.g. `gpt-5-mini via OpenAI` or `Offline model (sluice-offline-1)`. */
  label: string
}

export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini'

/** Describes the model the configuration selects: OpenAI (or a compatible server) with a key, else offline. */
export function describeModel(c: Config = config()): ChatModelInfo {
  if (!c.OPENAI_API_KEY) {
    return { provider: 'offline', modelId: OFFLINE_MODEL_ID, label: `Offline model (${OFFLINE_MODEL_ID}, built in, no key needed)` }
  }
  const modelId = c.SLUICE_MODEL ?? DEFAULT_OPENAI_MODEL
  // OpenAI-compatible servers (Ollama, vLLM, LM Studio) speak chat completions; OpenAI itself prefers Responses.
  const api = c.SLUICE_OPENAI_API ?? (c.OPENAI_BASE_URL ? 'chat' : 'responses')
  const baseUrl = c.OPENAI_BASE_URL
  const where = baseUrl ? new URL(baseUrl).host : 'OpenAI'
  return { provider: 'openai', modelId, api, baseUrl, label: `${modelId} via ${where}` }
}

/** Builds the language model for a configuration (no caching; see {@link chatModel}). */
export function createChatModel(c: Config = config()): LanguageModelV4 {
  const info = describeModel(c)
  if (info.provider === 'offline') return new OfflineLanguageModel({ tokenMs: c.SLUICE_OFFLINE_TOKEN_MS })
  const openai = createOpenAI({ apiKey: c.OPENAI_API_KEY, baseURL: c.OPENAI_BASE_URL })
  return info.api === 'chat' ? openai.chat(info.modelId) : openai.responses(info.modelId)
}

/** The process-wide chat model and its description. */
export function chatModel(): { model: LanguageModelV4; info: ChatModelInfo } {
  return singleton('ai.chat-model', () => ({ model: createChatModel(), info: describeModel() }))
}

/**
 * What every model call passes as `telemetry` (`SLUICE_AI_TELEMETRY`). The AI SDK's telemetry is
 * on unless a call opts out, and each call builds its events (and opens a tracing-channel context)
 * before the model is called even when nothing listens: about 0.1–0.2 ms on the way to the first
 * token (docs/chat.md). Sluice registers no integration, so it is off unless configured.
 */
export function modelTelemetry(c: Config = config()): TelemetryOptions {
  return { isEnabled: c.SLUICE_AI_TELEMETRY === '1' }
}
