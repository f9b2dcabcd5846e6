/**
 * The client side of the durable-stream benchmarks (`bench:durable`, `bench:scale-out`): the
 * same requests and the same measurements for every server they compare. Streams are addressed
 * by their full URL (`<baseUrl>/v1/stream/<name>`), so a writer and a reader may be different
 * servers.
 */
import http from 'node:http'
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import { DurableStream, IdempotentProducer } from '@durable-streams/client'
import { createParser } from 'eventsource-parser'
import { percentile, rssBytes, send } from './measure.mjs'

export const MB = 1024 * 1024

// The sizes both benchmarks use; smaller runs set the BENCH_* variables.
const env = process.env
/** 100-byte appends by one writer, and by `WRITERS` concurrent writers. */
export const SEQUENTIAL = Number(env.BENCH_SEQUENTIAL ?? 2_000)
export const CONCURRENT = Number(env.BENCH_CONCURRENT ?? 8_000)
export const WRITERS = 16
/** 100-byte items through the official `IdempotentProducer`: 500,000 make about 48 batches of 1 MiB (50,000 made five, mostly start-up). */
export const PRODUCER_ITEMS = Number(env.BENCH_PRODUCER_ITEMS ?? 500_000)
/** The catch-up stream, and the large stream whose reading is watched for memory growth. */
export const CATCHUP_MB = Number(env.BENCH_CATCHUP_MB ?? 100)
export const BIG_MB = Number(env.BENCH_BIG_MB ?? 1_024)
/** The live-delivery test: `RATE` appends a second for `LATENCY_SECONDS`. */
export const LATENCY_SECONDS = Number(env.BENCH_LATENCY_SECONDS ?? 10)
export const RATE = Number(env.BENCH_RATE ?? 200)
/** The appended message of the throughput figures: 100 bytes. */
export const MESSAGE = 'x'.repeat(100)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
/** The resident memory of process `pid`, in MB. */
export const rssMb = async (pid) => (await rssBytes(pid)) / MB

let streamCount = 0
/** Creates a new stream on `baseUrl`; returns its path under `/v1/stream/`. */
export async function createStream(baseUrl, contentType) {
  const name = `bench/s${++streamCount}-${Date.now()}`
  const res = await fetch(streamUrl(baseUrl, name), { method: 'PUT', headers: { 'Content-Type': contentType } })
  if (res.status !== 201) throw new Error(`create: HTTP ${res.status}`)
  return name
}

export const streamUrl = (baseUrl, name) => `${baseUrl}/v1/stream/${name}`

/** Network errors (a reset keep-alive connection, say) are retried up to twice and counted here; HTTP errors are not. */
export const networkErrors = {}

export async function append(url, body, contentType = 'text/plain', headers = {}) {
  for (let attempt = 1; ; attempt++) {
    let res
    try {
      res = await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': contentType }, body })
    } catch (error) {
      if (attempt === 3) throw error
      const code = error.cause?.code ?? error.cause?.message ?? String(error)
      networkErrors[code] = (networkErrors[code] ?? 0) + 1
      continue
    }
    if (!res.ok) throw new Error(`append: HTTP ${res.status} ${await res.text()}`)
    await res.arrayBuffer()
    return
  }
}

/**
 * Appends/s of `total` 100-byte appends by `writers` concurrent writers, spread over `baseUrls` (one
 * stream). `headers` go with each append (`X-Sluice-Transport: app-router` reaches Sluice's App
 * Router twin of the protocol's route instead of the Pages API route at the public URL).
 */
export async function appendsPerSecond(baseUrls, total, writers, headers = {}) {
  const name = await createStream(baseUrls[0], 'text/plain')
  const start = performance.now()
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const url = streamUrl(baseUrls[w % baseUrls.length], name)
      for (let i = 0; i < total / writers; i++) await append(url, MESSAGE, 'text/plain', headers)
    }),
  )
  return total / ((performance.now() - start) / 1000)
}

/**
 * Appends/s of `total` 100-byte items through the protocol's official client, `IdempotentProducer`
 * (its defaults: batched, pipelined, exactly once), from the first append to the end of `flush()`;
 * then checks the stream holds every byte.
 */
export async function producerAppendsPerSecond(baseUrl, total) {
  const url = streamUrl(baseUrl, await createStream(baseUrl, 'text/plain'))
  const errors = []
  const producer = new IdempotentProducer(new DurableStream({ url, contentType: 'text/plain' }), `bench-${Date.now()}`, {
    onError: (error) => errors.push(error),
  })
  const start = performance.now()
  for (let i = 0; i < total; i++) producer.append(MESSAGE)
  await producer.flush()
  const seconds = (performance.now() - start) / 1000
  await producer.close()
  if (errors.length > 0) throw new Error(`IdempotentProducer: ${errors.length} errors, the first: ${errors[0]}`)
  let bytes = 0
  for (let offset = '-1'; ;) {
    const res = await fetch(`${url}?offset=${offset}`)
    for await (const chunk of /** @type {ReadableStream<Uint8Array>} */ (res.body)) bytes += chunk.byteLength
    offset = /** @type {string} */ (res.headers.get('Stream-Next-Offset'))
    if (res.headers.get('Stream-Up-To-Date') === 'true') break
  }
  if (bytes !== total * MESSAGE.length)
    throw new Error(`IdempotentProducer: the stream holds ${bytes} bytes, not ${total * MESSAGE.length}`)
  return total / seconds
}

/** Appends `megabytes` of patterned binary data in `chunkBytes` appends. */
export async function fill(url, megabytes, chunkBytes) {
  const chunk = Buffer.alloc(chunkBytes)
  for (let i = 0; i < chunkBytes; i++) chunk[i] = (i * 31 + 7) & 0xff
  for (let written = 0; written < megabytes * MB; written += chunkBytes) await append(url, chunk, 'application/octet-stream')
}

/** Reads a whole stream with catch-up GETs, following Stream-Next-Offset, sampling the memory of process `pid`. */
export async function readAll(url, pid) {
  let offset = '-1'
  let bytes = 0
  let peak = await rssMb(pid)
  const sampler = setInterval(() => void rssMb(pid).then((mb) => (peak = Math.max(peak, mb))), 50)
  const start = performance.now()
  try {
    for (;;) {
      const res = await fetch(`${url}?offset=${offset}`)
      for await (const chunk of /** @type {ReadableStream<Uint8Array>} */ (res.body)) bytes += chunk.byteLength
      offset = /** @type {string} */ (res.headers.get('Stream-Next-Offset'))
      if (res.headers.get('Stream-Up-To-Date') === 'true') break
    }
  } finally {
    clearInterval(sampler)
  }
  return { mbPerSecond: bytes / MB / ((performance.now() - start) / 1000), bytes, peakRssMb: Math.max(peak, await rssMb(pid)) }
}

/**
 * A live SSE reader of a durable stream (`?offset=now&live=sse`): `onData(data, at)` for each
 * `data` event, with the time it arrived (`performance.now()`). Resolves once the server's first
 * `control` event says the reader is connected, with a function that stops reading.
 * @param {string} url
 * @param {(data: string, at: number) => void} onData
 */
export async function liveSseReader(url, onData) {
  const controller = new AbortController()
  const res = await fetch(`${url}?offset=now&live=sse`, { signal: controller.signal })
  if (res.status !== 200) throw new Error(`the live reader of ${url} answered ${res.status}`)
  let connected
  const ready = new Promise((resolve) => (connected = resolve))
  const parser = createParser({
    onEvent(event) {
      if (event.event === 'control') connected()
      if (event.event === 'data') onData(event.data, performance.now())
    },
  })
  const reading = (async () => {
    const decoder = new TextDecoder()
    try {
      for await (const chunk of /** @type {ReadableStream<Uint8Array>} */ (res.body)) parser.feed(decoder.decode(chunk, { stream: true }))
    } catch {
      // aborted at the end
    }
  })()
  await ready
  return async () => {
    controller.abort()
    await reading
  }
}

/**
 * The same live SSE reader on a raw socket, for benchmarks with thousands of readers: one TCP
 * connection, the request written by hand, the chunked body decoded by a small state machine, and
 * no SSE parsing — `onText(text, at)` gets the body's text as it arrives (a marker split across two
 * reads arrives in two calls: keep a tail). Resolves once the first `control` event arrived, with a
 * function that closes the connection. `closed()` says whether the server ended it early.
 * @param {string} url
 * @param {(text: string, at: number) => void} onText
 * @returns {Promise<{ stop: () => void, closed: () => boolean }>}
 */
export function rawLiveReader(url, onText) {
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET ${pathname}?offset=now&live=sse HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`)
    })
    socket.setEncoding('latin1') // bytes as they are; the markers are ASCII
    let head = ''
    let inBody = false
    let buffer = '' // undecoded chunked framing
    let left = 0 // bytes left in the current chunk
    let ready = false
    let ended = false
    const body = (text, at) => {
      if (!ready && text.includes('event: control')) {
        ready = true
        resolve({ stop: () => socket.destroy(), closed: () => ended })
      }
      onText(text, at)
    }
    socket.on('data', (data) => {
      const at = performance.now()
      if (!inBody) {
        head += data
        const end = head.indexOf('\r\n\r\n')
        if (end === -1) return
        if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(`${url} answered ${head.slice(0, 40)}`))
        buffer = head.slice(end + 4)
        inBody = true
        if (!/^transfer-encoding: *chunked/im.test(head.slice(0, end))) left = Infinity // not chunked: the body as it comes
      } else buffer += data
      let out = ''
      for (;;) {
        if (left > 0) {
          const take = Math.min(left, buffer.length)
          out += buffer.slice(0, take)
          buffer = buffer.slice(take)
          left -= take
          if (left > 0) break
          continue
        }
        const line = buffer.indexOf('\r\n')
        if (line === -1) break
        const size = parseInt(buffer.slice(0, line), 16)
        if (line === 0) {
          buffer = buffer.slice(2) // the CRLF after a chunk's data
          continue
        }
        buffer = buffer.slice(line + 2)
        if (size === 0) {
          ended = true
          break
        }
        left = size
      }
      if (out) body(out, at)
    })
    socket.on('error', (error) => (ready ? (ended = true) : reject(error)))
    socket.on('close', () => {
      ended = true
      if (!ready) reject(new Error(`${url} closed before its first control event`))
    })
  })
}

/**
 * A live SSE reader on stream `name` of `readBaseUrl`; a writer appends its send time through
 * `writeBaseUrl` (the same server or another one) `rate` times a second for `seconds`. Two figures
 * per append: from sending it to its delivery (what a user sees), and from the writer's
 * acknowledgement to the delivery (the store, its notification and the reader's side, without the
 * writer's own HTTP request handling). The writer uses raw `node:http` with kept-alive
 * connections, so the client adds as little as possible.
 */
export async function deliveryLatency({ writeBaseUrl, readBaseUrl, rate, seconds }) {
  const name = await createStream(writeBaseUrl, 'text/plain')
  const delivered = []
  const stop = await liveSseReader(streamUrl(readBaseUrl, name), (data, at) => {
    for (const match of data.matchAll(/t=([\d.]+);/g)) delivered.push([match[1], at])
  })
  const total = rate * seconds
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  const url = streamUrl(writeBaseUrl, name)
  const acks = new Map()
  const start = performance.now()
  const sends = []
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate
    if (due > performance.now()) await sleep(due - performance.now())
    const sent = String(performance.now())
    sends.push(
      send(url, agent, { headers: { 'Content-Type': 'text/plain' }, body: `t=${sent};` }).then(() => acks.set(sent, performance.now())),
    )
  }
  await Promise.all(sends)
  const deadline = performance.now() + 10_000
  while (delivered.length < total && performance.now() < deadline) await sleep(20)
  await stop()
  agent.destroy()
  const latencies = []
  const afterAck = []
  for (const [sent, at] of delivered) {
    latencies.push(at - Number(sent))
    // A delivery can arrive before the writer has read its acknowledgement: that counts as 0.
    afterAck.push(Math.max(0, at - acks.get(sent)))
  }
  return {
    delivered: latencies.length,
    sent: total,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    afterAckP50: percentile(afterAck, 50),
    afterAckP99: percentile(afterAck, 99),
  }
}
