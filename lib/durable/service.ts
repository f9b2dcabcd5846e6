import { randomBytes } from 'node:crypto'
import { isoInstant } from '@/lib/durable/expiry-limits'
import { followStream, type FollowOptions } from '@/lib/durable/follow'
import { streamStore } from '@/lib/durable/instance'
import { encodeJsonBody } from '@/lib/durable/json-mode'
import { rangeBytes, STREAM_ROUTE } from '@/lib/durable/protocol-common'
import { isJsonType } from '@/lib/durable/protocol-headers'
import {
  expiryFor,
  metadataSchema,
  pagingSchema,
  parseCreateOptions,
  parseNamespace,
  type CreateOptionsInput,
} from '@/lib/durable/service-options'
import type { StreamMeta } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'
import { parseWith } from '@/lib/http'
import { iterableToStream } from '@/lib/stream'

/**
 * The application API of durable streams (document 002), for routes, background jobs and
 * scripts in this process:
 *
 * ```ts
 * const stream = await streams.create('export', { contentType: 'text/csv', compress: true })
 * after(async () => { await stream.write('a,b\n'); await stream.close() })
 * return Response.json({ url: stream.url })
 * ```
 *
 * Streams made here are ordinary protocol streams at `/v1/stream/<id>`: anyone with the URL can
 * read them (catch-up, long-poll, SSE) with any Durable Streams client.
 */

export type CreateStreamOptions = CreateOptionsInput

/** What `get()` and `list()` report about a stream. */
export interface StreamInfo {
  /** `<namespace>/<random token>`: unguessable. */
  id: string
  /** Path of the stream's protocol URL (`/v1/stream/<id>`), relative to the server. */
  url: string
  namespace: string
  contentType: string
  /** Bytes written (uncompressed). */
  sizeBytes: number
  /** Bytes occupied in storage (smaller once a `compress` stream is closed and compressed). */
  storedBytes: number
  metadata: Record<string, string>
  createdAt: string
  expiresAt: string | null
  /** Closed by its writer; an open stream is readable but incomplete. */
  closed: boolean
  /** Gzip compression is on for this stream (applied at rest once it is closed). */
  compressed: boolean
  /** The bytes are stored gzip-compressed now. */
  compressedAtRest: boolean
}

/** A stream being written. Writes are applied in call order; `close()` ends it for good. */
export interface StreamWriter {
  readonly id: string
  readonly url: string
  readonly compressed: boolean
  /** Bytes appended through this writer so far. */
  readonly bytesWritten: number
  /**
   * Appends `data`. Text is UTF-8 encoded and bytes are kept as they are; any other value is
   * written as JSON. On an `application/json` stream every write is JSON (text as JSON source,
   * other values serialised) and a top-level array adds one message per element, as a protocol
   * `POST` would.
   */
  write(data: unknown): Promise<void>
  /** Closes the stream (further writes are refused). Idempotent. */
  close(): Promise<void>
}

export const streamUrlPath = (id: string) => STREAM_ROUTE + id.split('/').map(encodeURIComponent).join('/')

function toInfo(meta: StreamMeta): StreamInfo {
  return {
    id: meta.path,
    url: streamUrlPath(meta.path),
    namespace: meta.namespace,
    contentType: meta.contentType,
    sizeBytes: meta.tail,
    storedBytes: meta.storedBytes,
    metadata: { ...meta.metadata },
    createdAt: new Date(meta.createdAt).toISOString(),
    expiresAt: isoInstant(meta.expiresAt),
    closed: meta.closed,
    compressed: meta.compress,
    compressedAtRest: meta.compressed,
  }
}

const encoder = new TextEncoder()

function encodeWrite(data: unknown, json: boolean): Uint8Array {
  if (data === undefined) throw new AppError('bad_request:write', 'Nothing to write: data is undefined')
  const raw = typeof data === 'string' ? encoder.encode(data) : data instanceof Uint8Array ? data : encoder.encode(JSON.stringify(data))
  return json && raw.byteLength > 0 ? encodeJsonBody(raw, { allowEmpty: true }) : raw
}

async function liveMeta(id: string): Promise<StreamMeta> {
  const found = await (await streamStore()).lookup(id)
  if (found.state !== 'live') throw new AppError('not_found:stream', `No stream ${id}`)
  return found.meta
}

function writerFor(meta: StreamMeta): StreamWriter {
  const json = isJsonType(meta.contentType)
  let bytesWritten = 0
  let closed = meta.closed
  let queue: Promise<unknown> = Promise.resolve()
  const enqueue = (work: () => Promise<void>) => {
    const next = queue.then(work)
    queue = next.catch(() => {})
    return next
  }
  const append = async (data: Uint8Array, close: boolean) => {
    const outcome = await (await streamStore()).append(meta.path, { data, close, incarnation: meta.incarnation })
    if (outcome.kind === 'ok') return
    if (outcome.kind === 'closed') throw new AppError('conflict:closed', `Stream ${meta.path} is closed`)
    throw new AppError('not_found:stream', `Stream ${meta.path} no longer exists`)
  }
  return {
    id: meta.path,
    url: streamUrlPath(meta.path),
    compressed: meta.compress,
    get bytesWritten() {
      return bytesWritten
    },
    write(data) {
      if (closed) return Promise.reject(new AppError('conflict:closed', `Stream ${meta.path} is closed`))
      return enqueue(async () => {
        const bytes = encodeWrite(data, json)
        if (bytes.byteLength === 0) return
        await append(bytes, false)
        bytesWritten += bytes.byteLength
      })
    },
    close() {
      if (closed) return queue.then(() => {})
      closed = true
      return enqueue(() => append(new Uint8Array(0), true))
    },
  }
}

/** The application API: `streams.create / writer / list / get / download / delete`. */
export const streams = {
  /**
   * Creates a stream in `namespace`, ready at once. See {@link CreateStreamOptions}. Its id is
   * `<namespace>/<random token>`, or `<namespace>/<name>` with `name` (guessable; an id already
   * taken is `409 conflict:stream`).
   */
  async create(namespace: string, options: CreateStreamOptions = {}): Promise<StreamWriter> {
    const ns = parseNamespace(namespace)
    const opts = parseCreateOptions(options)
    const expiry = expiryFor(opts)
    const store = await streamStore()
    const id = `${ns}/${opts.name ?? randomBytes(16).toString('base64url')}`
    const outcome = await store.create(id, {
      contentType: opts.contentType ?? 'application/octet-stream',
      compress: opts.compress,
      metadata: opts.metadata,
      expiry,
    })
    if (outcome.kind === 'exists' || outcome.kind === 'gone') {
      if (opts.name !== undefined) throw new AppError('conflict:stream', `A stream ${id} already exists: choose another name`)
    }
    if (outcome.kind !== 'created') throw new AppError('internal:stream_id', `Could not create stream ${id} (${outcome.kind})`)
    return writerFor(outcome.meta)
  },

  /** A writer for an existing open stream (e.g. created in another request). */
  async writer(id: string): Promise<StreamWriter> {
    const meta = await liveMeta(id)
    if (meta.closed) throw new AppError('conflict:closed', `Stream ${id} is closed`)
    return writerFor(meta)
  },

  /** Streams, newest first: `limit` 1–1000 (default 100), filtered by namespace and exact metadata. */
  async list(query: { namespace?: string; metadata?: Record<string, string>; limit?: number; offset?: number } = {}) {
    const paging = parseWith(pagingSchema, { limit: query.limit, offset: query.offset }, 'query')
    const metadata = parseWith(metadataSchema, query.metadata ?? {}, 'query')
    const result = await (await streamStore()).list({ namespace: query.namespace, metadata, ...paging })
    return { total: result.total, streams: result.streams.map(toInfo) }
  },

  /**
   * Of the streams `ids` (a visitor's own, newest first), those that still exist and match the
   * namespace and metadata filters, paged as `list()` is.
   */
  async listOf(
    ids: readonly string[],
    query: { namespace?: string; metadata?: Record<string, string>; limit?: number; offset?: number } = {},
  ) {
    const paging = parseWith(pagingSchema, { limit: query.limit, offset: query.offset }, 'query')
    const store = await streamStore()
    const found = await Promise.all(ids.map((id) => store.lookup(id)))
    const matching = found.flatMap((f) => {
      if (f.state !== 'live') return []
      if (query.namespace !== undefined && f.meta.namespace !== query.namespace) return []
      if (Object.entries(query.metadata ?? {}).some(([k, v]) => f.meta.metadata[k] !== v)) return []
      return [toInfo(f.meta)]
    })
    return { total: matching.length, streams: matching.slice(paging.offset, paging.offset + paging.limit) }
  },

  async get(id: string): Promise<StreamInfo> {
    return toInfo(await liveMeta(id))
  },

  /**
   * The content written so far (a JSON stream as one array). With `encoding: 'gzip'` a stream
   * stored compressed is returned as its stored gzip bytes (check `compressedAtRest` first).
   */
  async download(id: string, options: { encoding?: 'identity' | 'gzip'; signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    const meta = await liveMeta(id)
    const store = await streamStore()
    if (options.encoding === 'gzip') {
      const gzip = isJsonType(meta.contentType) ? undefined : store.readCompressed(meta, options.signal)
      if (!gzip)
        throw new AppError(
          'conflict:encoding',
          `Stream ${id} is not stored gzip-compressed (only closed non-JSON streams created with compress are)`,
        )
      return iterableToStream(gzip, { signal: options.signal })
    }
    return iterableToStream(rangeBytes(store, meta, 0, meta.tail), { signal: options.signal })
  },

  /**
   * The stream's bytes from byte `from` (default 0), then each append as it lands, until the
   * stream is closed and read to the end: the one server-side follower (`follow.ts`), as
   * `live=sse` uses it. Fails with `not_found:stream` (on the first read) if there is no such
   * stream; ends quietly if it is deleted meanwhile, when `signal` is aborted, or when
   * `keepWaiting` answers `false` (the writer is gone).
   */
  async *follow(id: string, options: FollowOptions & { from?: number }): AsyncGenerator<Uint8Array> {
    const meta = await liveMeta(id)
    const from = options.from ?? 0
    if (!Number.isSafeInteger(from) || from < 0 || from > meta.tail)
      throw new AppError('bad_request:offset', `Offset ${from} is outside stream ${id} (0–${meta.tail})`)
    for await (const item of followStream(await streamStore(), meta, from, options)) {
      if (item.kind === 'data') yield item.bytes
    }
  },

  async delete(id: string): Promise<void> {
    const outcome = await (await streamStore()).delete(id)
    if (outcome === 'missing' || outcome === 'gone') throw new AppError('not_found:stream', `No stream ${id}`)
  },
}
