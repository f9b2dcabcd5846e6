import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small OpenAI-compatible server for tests, on 127.0.0.1. It speaks both APIs `@ai-sdk/openai`
 * uses, streaming, in the wire formats OpenAI sends:
 *
 * - `POST /v1/chat/completions` (Chat Completions: SSE `chat.completion.chunk`s, then `[DONE]`),
 *   streaming or not;
 * - `POST /v1/responses` (Responses: SSE events `response.created`, `response.output_item.added`,
 *   `response.output_text.delta`, `response.function_call_arguments.delta`,
 *   `response.output_item.done`, `response.completed` with usage, each with its `event:` line and
 *   `sequence_number`).
 *
 * Its behaviour is chosen by the last user message, the same on both APIs, so one server serves
 * every scenario:
 *
 * - `status 429` / `status 500` / … → that status with an OpenAI-style JSON error;
 * - `break` → a few text deltas, then the connection is destroyed mid-stream;
 * - `slow` → 200 text deltas, 20 ms apart (for aborts);
 * - `time in <zone>` → a streamed tool call of `currentTime`, then (once the tool result is in
 *   the conversation) an answer quoting it;
 * - anything else → `Hello from the local server.` in four deltas, with usage.
 *
 * A wrong `Authorization` header gets a 401; any other path a 404. Every request is recorded,
 * with which API it used, the exact bytes sent back and whether the client went away before the end.
 */
export interface RecordedRequest {
  path: string
  /** Which API the request used (from its path); undefined for an unknown path. */
  api: OpenAiApi | undefined
  authorization: string | undefined
  /** The request body as sent: a {@link ChatBody} on Chat Completions, a {@link ResponsesBody} on Responses. */
  body: ChatBody & ResponsesBody
  /** The text of the last user message, whichever API carried it. */
  prompt: string
  /** The text of the tool result sent back to the model (a `tool` message or a `function_call_output` item), if any. */
  toolOutput: string | undefined
  /** The exact response body bytes written, as text. */
  sent: string
  status: number
  /** The client closed the connection before the response was complete. */
  aborted: boolean
  finished: Promise<void>
}

/** The two OpenAI APIs `@ai-sdk/openai` speaks (`SLUICE_OPENAI_API`). */
export type OpenAiApi = 'chat' | 'responses'

export const API_PATHS: Record<OpenAiApi, string> = { chat: '/v1/chat/completions', responses: '/v1/responses' }

/** A Chat Completions request body (the parts the tests look at). */
export interface ChatBody {
  model: string
  stream?: boolean
  messages: Array<{ role: string; content: unknown; tool_calls?: unknown }>
  tools?: Array<{ function: { name: string } }>
}

/** A Responses request body (the parts the tests look at). */
export interface ResponsesBody {
  model: string
  stream?: boolean
  input: Array<{ type?: string; role?: string; content?: unknown; call_id?: string; output?: unknown }>
  tools?: Array<{ type: string; name: string }>
}

export interface OpenAiServer {
  url: string
  apiKey: string
  requests: RecordedRequest[]
  /** Changes the key the server accepts (to provoke 401s from a configured client). */
  acceptKey(key: string): void
  close(): Promise<void>
}

export const HELLO = ['Hello', ' from the', ' local', ' server.']

function text(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? '').join('')
  return ''
}

/** What the server answers, decided from the conversation before a byte is written. */
type Plan =
  | { kind: 'fail'; status: number }
  | { kind: 'tool'; name: string; args: string }
  | { kind: 'text'; parts: string[]; breakAfter: number; delayMs: number }

function plan(prompt: string, toolOutput: string | undefined, toolNames: string[]): Plan {
  const status = /\bstatus (\d{3})\b/.exec(prompt)
  if (status) return { kind: 'fail', status: Number(status[1]) }
  const zone = /\btime in ([\w/ ]+)/i.exec(prompt)?.[1]?.trim()
  if (zone && toolNames.includes('currentTime') && toolOutput === undefined) {
    return { kind: 'tool', name: 'currentTime', args: JSON.stringify({ timeZone: zone }) }
  }
  const slow = /\bslow\b/.test(prompt)
  const parts =
    toolOutput !== undefined ? ['The tool says: ', toolOutput] : slow ? Array.from({ length: 200 }, (_, i) => ` word${i}`) : HELLO
  return { kind: 'text', parts, breakAfter: /\bbreak\b/.test(prompt) ? 2 : Infinity, delayMs: slow ? 20 : 2 }
}

/** Reads what the tests need from a request body of either API. */
function understand(
  api: OpenAiApi,
  body: ChatBody & ResponsesBody,
): { prompt: string; toolOutput: string | undefined; toolNames: string[] } {
  if (api === 'chat') {
    const last = [...body.messages].reverse().find((m) => m.role === 'user')
    const tool = body.messages.find((m) => m.role === 'tool')
    return {
      prompt: text(last?.content),
      toolOutput: tool ? text(tool.content) : undefined,
      toolNames: ((body as ChatBody).tools ?? []).map((t) => t.function.name),
    }
  }
  const last = [...body.input].reverse().find((i) => i.role === 'user')
  const tool = body.input.find((i) => i.type === 'function_call_output')
  return {
    prompt: text(last?.content),
    toolOutput: tool ? text(tool.output) : undefined,
    toolNames: ((body as ResponsesBody).tools ?? []).map((t) => t.name),
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Writes a streamed answer in one API's wire format. */
interface Wire {
  start(): void
  toolCall(name: string, args: string): Promise<void>
  text(piece: string): void
  finish(reason: 'stop' | 'tool_calls'): void
}

function chatCompletionsWire(id: string, model: string, write: (s: string) => void): Wire {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
  return {
    start: () => write(chunk({ role: 'assistant', content: '' })),
    async toolCall(name, args) {
      write(chunk({ tool_calls: [{ index: 0, id: 'call_local_1', type: 'function', function: { name, arguments: '' } }] }))
      for (const piece of args.match(/.{1,5}/g)!) {
        await pause(5)
        write(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }))
      }
    },
    text: (piece) => write(chunk({ content: piece })),
    finish(reason) {
      write(chunk({}, reason))
      write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } })}\n\n`,
      )
      write('data: [DONE]\n\n')
    },
  }
}

function responsesWire(id: string, model: string, write: (s: string) => void): Wire {
  let sequence = 0
  const event = (type: string, fields: object) =>
    write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`)
  const response = (status: string, extra: object = {}) => ({
    id,
    object: 'response',
    created_at: 1_700_000_000,
    status,
    model,
    output: [],
    ...extra,
  })
  const messageId = `msg_${id}`
  let written = ''
  let messageOpen = false
  const closeMessage = () => {
    if (!messageOpen) return
    messageOpen = false
    event('response.output_text.done', { item_id: messageId, output_index: 0, content_index: 0, text: written, logprobs: [] })
    event('response.content_part.done', {
      item_id: messageId,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: written, annotations: [] },
    })
    const item = {
      type: 'message',
      id: messageId,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: written, annotations: [] }],
    }
    event('response.output_item.done', { output_index: 0, item })
  }
  return {
    start() {
      event('response.created', { response: response('in_progress') })
      event('response.in_progress', { response: response('in_progress') })
    },
    async toolCall(name, args) {
      const item = { type: 'function_call', id: `fc_${id}`, call_id: 'call_local_1', name, arguments: '', status: 'in_progress' }
      event('response.output_item.added', { output_index: 0, item })
      for (const piece of args.match(/.{1,5}/g)!) {
        await pause(5)
        event('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: piece })
      }
      event('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: args })
      event('response.output_item.done', { output_index: 0, item: { ...item, arguments: args, status: 'completed' } })
    },
    text(piece) {
      if (!messageOpen) {
        messageOpen = true
        event('response.output_item.added', {
          output_index: 0,
          item: { type: 'message', id: messageId, status: 'in_progress', role: 'assistant', content: [] },
        })
        event('response.content_part.added', {
          item_id: messageId,
          output_index: 0,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        })
      }
      written += piece
      event('response.output_text.delta', { item_id: messageId, output_index: 0, content_index: 0, delta: piece, logprobs: [] })
    },
    finish() {
      closeMessage()
      const usage = {
        input_tokens: 11,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 18,
      }
      event('response.completed', { response: response('completed', { usage }) })
    },
  }
}

export async function startOpenAiServer(options: { apiKey?: string } = {}): Promise<OpenAiServer> {
  const apiKey = options.apiKey ?? 'sk-test-local'
  let accepted = apiKey
  const requests: RecordedRequest[] = []
  const sockets = new Set<import('node:net').Socket>()

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody & ResponsesBody
    const api = (Object.keys(API_PATHS) as OpenAiApi[]).find((a) => req.method === 'POST' && req.url === API_PATHS[a])
    const seen = api ? understand(api, body) : { prompt: '', toolOutput: undefined, toolNames: [] }
    let done!: () => void
    const record: RecordedRequest = {
      path: req.url ?? '',
      api,
      authorization: req.headers.authorization,
      body,
      prompt: seen.prompt,
      toolOutput: seen.toolOutput,
      sent: '',
      status: 200,
      aborted: false,
      finished: new Promise((r) => (done = r)),
    }
    requests.push(record)
    res.on('close', () => {
      record.aborted = !res.writableFinished
      done()
    })
    const write = (s: string) => {
      record.sent += s
      res.write(s)
    }
    const fail = (status: number, message: string, type: string, headers: Record<string, string> = {}) => {
      record.status = status
      const payload = JSON.stringify({ error: { message, type, param: null, code: null } })
      record.sent = payload
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(payload)
    }

    if (!api) return fail(404, `No route ${req.url}`, 'invalid_request_error')
    if (req.headers.authorization !== `Bearer ${accepted}`)
      return fail(401, 'Incorrect API key provided: sk-wr***.', 'invalid_request_error')

    const answer = plan(seen.prompt, seen.toolOutput, seen.toolNames)
    if (answer.kind === 'fail') {
      const code = answer.status
      return fail(
        code,
        code === 429 ? 'Rate limit reached for requests' : 'The server had an error processing your request',
        code === 429 ? 'requests' : 'server_error',
        code === 429 ? { 'retry-after': '7' } : {},
      )
    }

    const id = api === 'chat' ? `chatcmpl-${requests.length}` : `resp_${requests.length}`
    const wire = (api === 'chat' ? chatCompletionsWire : responsesWire)(id, body.model, write)
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_${requests.length}` })
    wire.start()

    if (answer.kind === 'tool') {
      await wire.toolCall(answer.name, answer.args)
      wire.finish('tool_calls')
      return res.end()
    }

    for (const [i, piece] of answer.parts.entries()) {
      if (res.destroyed) return
      if (i === answer.breakAfter) {
        await pause(50) // let the chunks already written reach the client, then drop the connection
        res.destroy()
        return
      }
      await pause(answer.delayMs)
      wire.text(piece)
    }
    wire.finish('stop')
    res.end()
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500).end(String(error))
      else res.destroy()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    acceptKey: (key) => {
      accepted = key
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
