// The client side of Sluice's durable streams, shared by `sluice streams …` (bin/sluice.mjs) and
// scripts (scripts/report-worker.mjs): where the server is, the token, retries, the server's
// errors in words, and the one-request operations. A plain protocol client on the official
// @durable-streams/client; nothing here imports the app's code.
import {
  DurableStream,
  DurableStreamError,
  FetchError,
  SequenceGapError,
  StaleEpochError,
  createFetchWithBackoff,
} from '@durable-streams/client'

export const DEFAULT_URL = 'http://localhost:3000'

/** An error the CLI explains itself (a usage mistake, a missing stream, a bad checkpoint). */
export class CliError extends Error {
  /** @param {string} message @param {{ code?: string, hint?: string, usage?: boolean }} [details] */
  constructor(message, { code, hint, usage = false } = {}) {
    super(message)
    this.name = 'CliError'
    this.code = code
    this.hint = hint
    this.usage = usage
  }
}

/** Retry policies: one-shot commands give up fast; `write` and `tail` ride out a server restart (about a minute). */
const policies = {
  short: { initialDelay: 200, maxDelay: 1000, multiplier: 2, maxRetries: 2 },
  patient: { initialDelay: 250, maxDelay: 5000, multiplier: 1.6, maxRetries: 20 },
}

/**
 * Where the server is and who is asking: `url` (or `SLUICE_URL`, default http://localhost:3000)
 * and `token` (or `SLUICE_TOKEN`), sent as `Authorization: Bearer` on every request.
 *
 * @param {{ url?: string, token?: string, patient?: boolean, log?: (line: string) => void }} [options]
 */
export function connect({ url, token, patient = false, log } = {}) {
  const base = url || process.env.SLUICE_URL || DEFAULT_URL
  let parsed
  try {
    parsed = new URL(base)
  } catch {
    throw new CliError(`"${base}" is not a URL`, { usage: true, hint: 'Give the server as --url http://host:port or SLUICE_URL.' })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`"${base}" is not an http(s) URL`, { usage: true })
  const baseUrl = parsed.href.replace(/\/+$/, '')
  const bearer = token || process.env.SLUICE_TOKEN || undefined
  /** @type {Record<string, string>} */
  const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {}
  const backoffOptions = policies[patient ? 'patient' : 'short']
  /**
   * `fetch` that says on stderr why a request will be tried again (the client's backoff does the
   * waiting; it retries everything but HEAD, which the client sends once).
   */
  const fetchNoting = async (input, init) => {
    const noting = patient && log && init?.method !== 'HEAD'
    try {
      const response = await fetch(input, init)
      if (noting && (response.status >= 500 || response.status === 429)) log(`the server answered ${response.status}; trying again`)
      return response
    } catch (error) {
      if (noting && !init?.signal?.aborted) log(`${networkReason(error, baseUrl)}; trying again`)
      throw error
    }
  }
  return {
    baseUrl,
    headers,
    backoffOptions,
    /** `fetch` for the official client's `fetch` option (it adds its own backoff). */
    fetch: fetchNoting,
    /** `fetch` with backoff: network errors, 5xx and 429 are retried; any other non-2xx is thrown as a `FetchError`. */
    fetchRetrying: createFetchWithBackoff(fetchNoting, backoffOptions),
    /** The protocol URL of stream `id` (`logs/app` → `<base>/v1/stream/logs/app`). */
    streamUrl: (id) => `${baseUrl}/v1/stream/${encodeStreamId(id)}`,
    /** A handle of the official client on stream `id`, with this connection's token and retries. */
    handle: (id, options = {}) =>
      new DurableStream({
        url: `${baseUrl}/v1/stream/${encodeStreamId(id)}`,
        headers,
        fetch: fetchNoting,
        backoffOptions,
        warnOnHttp: false,
        ...options,
      }),
  }
}

/** Checks a stream id (`namespace/name`, segments separated by `/`) and percent-encodes its segments. */
export function encodeStreamId(id) {
  if (typeof id !== 'string' || id === '') throw new CliError('A stream id is needed, e.g. logs/app', { usage: true })
  const segments = id.split('/')
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new CliError(`"${id}" is not a stream id: no empty, "." or ".." segments, no leading or trailing "/"`, { usage: true })
  }
  return segments.map(encodeURIComponent).join('/')
}

/**
 * `PUT`: creates stream `id` (or finds the same one there already); returns its URL.
 *
 * @param {ReturnType<typeof connect>} conn
 * @param {string} id
 * @param {{ contentType?: string, ttlSeconds?: number, expiresAt?: string }} [options]
 */
export async function createStream(conn, id, { contentType = 'text/plain', ttlSeconds, expiresAt } = {}) {
  const handle = conn.handle(id, { contentType })
  await handle.create({ contentType, ttlSeconds, expiresAt })
  return handle.url
}

/** Closes stream `id` for good (idempotent); returns its final offset. */
export async function closeStream(conn, id) {
  const { finalOffset } = await conn.handle(id).close()
  return finalOffset
}

/** Deletes stream `id`. */
export async function deleteStream(conn, id) {
  await conn.handle(id).delete()
}

/**
 * `GET /api/durable`: the caller's own streams — a script with the streams token owns none (it
 * has no visitor cookie); with the operator token, every stream.
 *
 * @param {ReturnType<typeof connect>} conn
 * @param {{ namespace?: string, limit?: number, offset?: number }} [options]
 * @returns {Promise<{ total: number, limit: number, offset: number, streams: Array<Record<string, unknown>> }>}
 */
export async function listStreams(conn, { namespace, limit, offset } = {}) {
  const query = new URLSearchParams()
  if (namespace) query.set('namespace', namespace)
  if (limit !== undefined) query.set('limit', String(limit))
  if (offset !== undefined) query.set('offset', String(offset))
  const response = await conn.fetchRetrying(`${conn.baseUrl}/api/durable?${query}`, { headers: conn.headers })
  return response.json()
}

/** The whole content of stream `id` as it is now (a JSON stream as one array): a `Response` to read the body of. */
export async function downloadStream(conn, id) {
  return conn.fetchRetrying(`${conn.streamUrl(id)}?download`, { headers: conn.headers })
}

const hints = {
  'unauthorized:token': 'Pass the token with --token or SLUICE_TOKEN (the server’s SLUICE_STREAMS_TOKEN; SLUICE_OPERATOR_TOKEN works too).',
  'forbidden:owner':
    'A visitor made this stream from the pages: only that visitor, or the operator (SLUICE_OPERATOR_TOKEN), may change it.',
  'forbidden:operator': 'The audit namespace is the operator’s: use SLUICE_OPERATOR_TOKEN.',
  'not_found:stream': 'Check the id (sluice streams ls with the operator token lists them all), or create it: sluice streams create <id>.',
  'conflict:closed': 'The stream is closed for good: write to a new one.',
  'conflict:stream': 'A stream with another content type or expiry is there already.',
  'conflict:content_type': 'The stream was created with another content type.',
  'forbidden:producer_epoch': 'Another write with the same checkpoint took over from this one.',
}

function serverError(error) {
  let body = error.json ?? (typeof error.details === 'object' ? error.details : undefined)
  if (body === undefined && typeof (error.text ?? error.details) === 'string') {
    try {
      body = JSON.parse(error.text ?? error.details)
    } catch {
      body = undefined
    }
  }
  const e = body?.error
  return e && typeof e.code === 'string' ? { code: e.code, message: String(e.message ?? '') } : undefined
}

function networkReason(error, baseUrl) {
  const cause = error?.cause
  const code = cause?.code ?? cause?.errors?.[0]?.code
  const words = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'timed out',
    EAI_AGAIN: 'name lookup failed',
    UND_ERR_SOCKET: 'connection closed',
  }
  return `cannot reach ${baseUrl}${code ? ` (${words[code] ?? code})` : cause?.message ? ` (${cause.message})` : ''}`
}

/**
 * Any error of a command in words: the server's `{ error: { code, message } }` with its status,
 * a network failure, a producer fenced by a newer one, or the CLI's own. Returns the lines to print.
 */
export function explain(error, baseUrl) {
  if (error instanceof CliError) return [`${error.message}${error.code ? ` (${error.code})` : ''}`, ...(error.hint ? [error.hint] : [])]
  if (error instanceof StaleEpochError) return [`another writer took over this producer (epoch ${error.currentEpoch}); this one stopped`]
  if (error instanceof SequenceGapError) return [`the server expected producer sequence ${error.expectedSeq}, not ${error.receivedSeq}`]
  if (error instanceof FetchError || error instanceof DurableStreamError) {
    const server = serverError(error)
    if (server)
      return [
        `refused by the server (${error.status} ${server.code}): ${server.message}`,
        ...(hints[server.code] ? [hints[server.code]] : []),
      ]
    if (error.status === 404) return [`not found (404)`, hints['not_found:stream']]
    const text = 'text' in error ? error.text : undefined
    if (error.status) return [`the server answered ${error.status}${text ? `: ${String(text).slice(0, 200)}` : ''}`]
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return [networkReason(error, baseUrl), 'Is Sluice running there? Give its address with --url or SLUICE_URL.']
  }
  return [error instanceof Error ? error.message : String(error)]
}
