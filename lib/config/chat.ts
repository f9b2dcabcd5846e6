import { z } from 'zod'
import { doc, ms, optional } from './atoms.ts'

/** AI chat. With no key, the built-in offline model answers. */
export const chatVariables = {
  OPENAI_API_KEY: optional(z.string()).meta(
    doc({
      group: 'AI chat',
      description:
        'With a key, the chat (and `/proxy`) use OpenAI through `@ai-sdk/openai`; without (or empty), the built-in offline model answers.',
      doc: 'docs/chat.md',
    }),
  ),
  OPENAI_BASE_URL: optional(z.url({ message: 'must be a URL such as http://127.0.0.1:11434/v1' })).meta(
    doc({
      group: 'AI chat',
      description: 'Any OpenAI-compatible server instead of OpenAI: Ollama (`http://127.0.0.1:11434/v1`), vLLM, LM Studio.',
      defaultText: '`https://api.openai.com/v1`',
      doc: 'docs/chat.md',
    }),
  ),
  SLUICE_MODEL: optional(z.string().min(1)).meta(
    doc({ group: 'AI chat', description: 'The model id sent upstream.', defaultText: '`gpt-5-mini`', doc: 'docs/chat.md' }),
  ),
  SLUICE_OPENAI_API: optional(z.enum(['responses', 'chat'])).meta(
    doc({
      group: 'AI chat',
      description: 'Which OpenAI API is called: Responses, or Chat Completions (what compatible servers speak).',
      defaultText: '`responses`; `chat` when OPENAI_BASE_URL is set',
      doc: 'docs/chat.md',
    }),
  ),
  SLUICE_MODEL_MAX_RETRIES: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(2)
    .meta(
      doc({ group: 'AI chat', description: 'Retries of a failed model call (429/5xx) before the error is shown.', doc: 'docs/chat.md' }),
    ),
  SLUICE_CHAT_MAX_STEPS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(5)
    .meta(doc({ group: 'AI chat', description: 'Model calls per answer (each tool round trip is one more).', doc: 'docs/chat.md' })),
  SLUICE_AI_TELEMETRY: z
    .enum(['0', '1'], { message: 'must be 1 or 0' })
    .default('0')
    .meta(
      doc({
        group: 'AI chat',
        description:
          '`1`: every model call emits the AI SDK’s telemetry events (integrations registered with `registerTelemetry()`, such as `@ai-sdk/otel`, and Node tracing-channel subscribers). Off, calls skip building them: about 0.1–0.2 ms less before each model call.',
        doc: 'docs/chat.md',
      }),
    ),
  SLUICE_OFFLINE_TOKEN_MS: ms
    .max(5_000)
    .default(30)
    .meta(
      doc({
        group: 'AI chat',
        description: 'The offline model’s pace in ms per token (the first token after 4×); 0 = as fast as the reader reads.',
        doc: 'docs/chat.md',
      }),
    ),
}
