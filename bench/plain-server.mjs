/**
 * The benchmark's baseline: Sluice's words stream and live feed served by plain `node:http`.
 *
 * It does the same work as the Next.js route handlers, with the same code from `lib/` (the words
 * generator, the feed subscription and its sampler, the SSE wire format, the zod query schemas, the
 * request counter), and leaves out only what Next.js and web streams add: the async generator is
 * pulled by a `for await` loop that writes to the `ServerResponse` and waits for `drain` when the
 * socket is full (still pull-based), and a client disconnect aborts it so its `finally` runs.
 *
 * Run: `node bench/plain-server.mjs` (PORT, default 0 = a free port; prints `listening <port>`).
 */
import { once } from 'node:events'
import http from 'node:http'

await import('./ts-hooks.mjs')
const { activitySnapshot, countRequest } = await import('@/lib/activity')
const { config } = await import('@/lib/config')
const { toAppError } = await import('@/lib/errors')
const { subscribeFeed } = await import('@/lib/feed')
const { parseWith } = await import('@/lib/http')
const { TEXT_STREAM_HEADERS } = await import('@/lib/stream/iterable')
const { SSE_HEADERS, formatSse } = await import('@/lib/stream/sse')
const { words } = await import('@/lib/words')
const { wordsQuery } = await import('@/app/api/words/schema')
const { feedQuery, lastEventId } = await import('@/app/api/feed/schema')

/** Writes a chunk, waiting while the socket's buffer is full; false once the client has gone. */
async function write(res, signal, chunk) {
  if (signal.aborted) return false
  if (!res.write(chunk)) await once(res, 'drain', { signal })
  return true
}

/** Pulls `source` into the response; a disconnect aborts `signal`, which ends the source. */
async function pipe(res, signal, source) {
  try {
    for await (const chunk of source) if (!(await write(res, signal, chunk))) break
    if (!signal.aborted) res.end()
  } catch (error) {
    if (!signal.aborted) res.destroy(error)
  }
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}

function wordsRoute(req, res, url, signal) {
  const { count, delay, stamp } = parseWith(wordsQuery, Object.fromEntries(url.searchParams), 'query')
  res.writeHead(200, { ...TEXT_STREAM_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
  return pipe(res, signal, words({ count, delayMs: delay, stamp, signal }))
}

function feedRoute(req, res, url, signal) {
  const query = parseWith(feedQuery, Object.fromEntries(url.searchParams), 'query')
  const header = parseWith(lastEventId, req.headers['last-event-id'], 'Last-Event-ID header')
  const after = [header, query.lastEventId].find((v) => typeof v === 'number')
  res.writeHead(200, SSE_HEADERS)
  // A heartbeat comment when nothing was written for SLUICE_HEARTBEAT_MS, as sseStream() does.
  const heartbeatMs = config().SLUICE_HEARTBEAT_MS
  const beat = () => {
    res.write(formatSse({ comment: 'heartbeat' }))
    heartbeat?.refresh()
  }
  const heartbeat = heartbeatMs > 0 ? setTimeout(beat, heartbeatMs) : undefined
  async function* frames() {
    yield formatSse({ retry: 1_000 })
    yield formatSse({ comment: 'open' })
    for await (const sample of subscribeFeed(after, signal)) {
      heartbeat?.refresh()
      yield formatSse({ event: 'metrics', id: sample.id, data: sample })
    }
  }
  return pipe(res, signal, frames()).finally(() => clearTimeout(heartbeat))
}

/** @type {Map<string, (req: http.IncomingMessage, res: http.ServerResponse, url: URL, signal: AbortSignal) => unknown>} */
const routes = new Map([
  ['/api/words', wordsRoute],
  ['/api/feed', feedRoute],
  ['/api/health', (req, res) => sendJson(res, 200, { ok: true, pid: process.pid, ...activitySnapshot() })],
])

const server = http.createServer(async (req, res) => {
  countRequest()
  const url = new URL(req.url ?? '/', 'http://localhost')
  const handler = req.method === 'GET' ? routes.get(url.pathname) : undefined
  const disconnected = new AbortController()
  res.once('close', () => disconnected.abort())
  try {
    if (!handler) return sendJson(res, 404, { error: { code: 'not_found:route', message: `No route at ${url.pathname}` } })
    await handler(req, res, url, disconnected.signal)
  } catch (error) {
    const appError = toAppError(error)
    if (!res.headersSent) sendJson(res, appError.status, appError.toJSON())
    else res.destroy()
  }
})

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`)
})
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)).closeAllConnections())
