import { tracingChannel } from 'node:diagnostics_channel'
import { streamText } from 'ai'
import { describe, expect, it } from 'vitest'
import { createChatModel, describeModel, modelTelemetry } from '@/lib/ai/model'
import { parseConfig as parse } from '@/lib/config'

const parseConfig = (env: Record<string, string>) => parse(env as NodeJS.ProcessEnv)

describe('model selection', () => {
  it('uses the offline model without a key (an empty key counts as none)', () => {
    for (const env of [{}, { OPENAI_API_KEY: '' }] as Record<string, string>[]) {
      const c = parseConfig(env)
      expect(describeModel(c)).toMatchObject({ provider: 'offline', modelId: 'sluice-offline-1' })
      expect(createChatModel(c)).toMatchObject({ provider: 'sluice.offline', specificationVersion: 'v4' })
    }
  })

  it('uses OpenAI Responses with a key, and chat completions for a compatible server', () => {
    const openai = parseConfig({ OPENAI_API_KEY: 'sk-test' })
    expect(describeModel(openai)).toEqual({
      provider: 'openai',
      modelId: 'gpt-5-mini',
      api: 'responses',
      baseUrl: undefined,
      label: 'gpt-5-mini via OpenAI',
    })
    expect(createChatModel(openai)).toMatchObject({ provider: 'openai.responses', modelId: 'gpt-5-mini' })
    const ollama = parseConfig({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', SLUICE_MODEL: 'llama3.2' })
    expect(describeModel(ollama)).toMatchObject({ api: 'chat', label: 'llama3.2 via 127.0.0.1:11434' })
    expect(createChatModel(ollama)).toMatchObject({ provider: 'openai.chat', modelId: 'llama3.2' })
    expect(describeModel(parseConfig({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: 'http://h/v1', SLUICE_OPENAI_API: 'responses' })).api).toBe(
      'responses',
    )
  })

  it('names the variable when the configuration is wrong', () => {
    expect(() => parseConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL: must be a URL/)
    expect(() => parseConfig({ SLUICE_OPENAI_API: 'completions' })).toThrow(/SLUICE_OPENAI_API/)
    expect(() => parseConfig({ SLUICE_OFFLINE_TOKEN_MS: '-1' })).toThrow(/SLUICE_OFFLINE_TOKEN_MS/)
  })
})

describe('AI SDK telemetry', () => {
  /** What the AI SDK publishes on its tracing channel while one offline answer is streamed. */
  async function published(env: Record<string, string>): Promise<number> {
    const c = parseConfig({ ...env, SLUICE_OFFLINE_TOKEN_MS: '0' })
    let events = 0
    const count = () => void events++
    const subscribers = { start: count, end: count, asyncStart: count, asyncEnd: count, error: count }
    const channel = tracingChannel('ai:telemetry')
    channel.subscribe(subscribers)
    try {
      const result = streamText({ model: createChatModel(c), prompt: 'Hello', telemetry: modelTelemetry(c) })
      expect(await result.text).not.toBe('')
    } finally {
      channel.unsubscribe(subscribers)
    }
    return events
  }

  it('is off unless SLUICE_AI_TELEMETRY=1: model calls publish nothing, even to a subscriber', async () => {
    expect(await published({})).toBe(0)
    expect(await published({ SLUICE_AI_TELEMETRY: '1' })).toBeGreaterThan(0)
    expect(() => parseConfig({ SLUICE_AI_TELEMETRY: 'yes' })).toThrow(/SLUICE_AI_TELEMETRY/)
  })
})
