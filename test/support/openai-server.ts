import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small OpenAI-compatible server for tests, on 127.0.0.1: `POST /v1/chat/completions`,
 * streaming (SSE `chat.completion.chunk`s, as OpenAI sends them) or not. Its behaviour is
 * chosen by the last user message, so one server serves every scenario:
 *
 * - `status 429` / `status 500` / … → that status with an OpenAI-style JSON error;
 * - `break` → a few chunks, then the connection is destroyed mid-stream;
 * - `slow` → 200 chunks, 20 ms apart (for aborts);
 * - `time in <zone>` → a streamed tool call of `currentTime`, then (once the tool result is in
 *   the conversation) an answer quoting it;
 * - anything else → `Hello from the local server.` in four chunks, with usage.
 *
 * A wrong `Authorization` header gets a 401. Every request is recorded, with the exact bytes
 * sent back and whether the client went away before the end.
 */
export interface RecordedRequest {
  path: string
  authorization: string | undefined
  body: ChatBody
  /** The exact response body bytes written, as text. */
  sent: string
  status: number
  /** The client closed the connection before the response was complete. */
  aborted: boolean
  finished: Promise<void>
}

interface ChatBody {
  model: string
  stream?: boolean
  messages: Array<{ role: string; content: unknown; tool_calls?: unknown }>
  tools?: Array<{ function: { name: string } }>
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

export async function startOpenAiServer(options: { apiKey?: string } = {}): Promise<OpenAiServer> {
  const apiKey = options.apiKey ?? 'sk-test-local'
  let accepted = apiKey
  const requests: RecordedRequest[] = []
  const sockets = new Set<import('node:net').Socket>()

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody
    let done!: () => void
    const record: RecordedRequest = {
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body,
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

    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return fail(404, `No route ${req.url}`, 'invalid_request_error')
    if (req.headers.authorization !== `Bearer ${accepted}`) return fail(401, 'Incorrect API key provided: sk-wr***.', 'invalid_request_error')

    const last = [...body.messages].reverse().find((m) => m.role === 'user')
    const prompt = text(last?.content)
    const status = /\bstatus (\d{3})\b/.exec(prompt)
    if (status) {
      const code = Number(status[1])
      return fail(code, code === 429 ? 'Rate limit reached for requests' : 'The server had an error processing your request', code === 429 ? 'requests' : 'server_error', code === 429 ? { 'retry-after': '7' } : {})
    }

    const id = `chatcmpl-${requests.length}`
    const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`
    const usage = `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } })}\n\n`
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_${requests.length}` })
    write(chunk({ role: 'assistant', content: '' }))

    const toolResult = body.messages.find((m) => m.role === 'tool')
    const zone = /\btime in ([\w/ ]+)/i.exec(prompt)?.[1]?.trim()
    if (zone && body.tools?.some((t) => t.function.name === 'currentTime') && !toolResult) {
      const args = JSON.stringify({ timeZone: zone })
      write(chunk({ tool_calls: [{ index: 0, id: 'call_local_1', type: 'function', function: { name: 'currentTime', arguments: '' } }] }))
      for (const piece of args.match(/.{1,5}/g)!) {
        await pause(5)
        write(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }))
      }
      write(chunk({}, 'tool_calls'))
      write(usage)
      write('data: [DONE]\n\n')
      return res.end()
    }

    const parts = toolResult
      ? ['The tool says: ', text(toolResult.content)]
      : /\bslow\b/.test(prompt)
        ? Array.from({ length: 200 }, (_, i) => ` word${i}`)
        : HELLO
    const breakAfter = /\bbreak\b/.test(prompt) ? 2 : Infinity
    for (const [i, piece] of parts.entries()) {
      if (res.destroyed) return
      if (i === breakAfter) {
        await pause(50) // let the chunks already written reach the client, then drop the connection
        res.destroy()
        return
      }
      await pause(/\bslow\b/.test(prompt) ? 20 : 2)
      write(chunk({ content: piece }))
    }
    write(chunk({}, 'stop'))
    write(usage)
    write('data: [DONE]\n\n')
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
