// Following a durable stream with the official client, optionally resuming from a saved offset.
import { stream } from '@durable-streams/client'
import { readTextFile, writeFileAtomic } from './files.mjs'

const isJson = (contentType) => (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json'

/** Writes `data` to `out` and resolves once the stream took it (the OS has it, for a pipe or file). */
function writeOut(out, data) {
  return new Promise((resolve, reject) => out.write(data, (error) => (error ? reject(error) : resolve(undefined))))
}

/**
 * Prints stream `id` to `out` from `from` (an offset the server handed out, `-1` for the start,
 * `now` for only what comes next) and follows it live (long-poll: exact bytes) until the stream
 * is closed or `signal` aborts. A JSON stream is printed one message per line.
 *
 * With `offsetFile`, the offset after each response is saved there (temp file + rename) once its
 * bytes are written to `out`, and a later run starts from it instead of `from`: stopped with
 * `signal` (Ctrl-C, SIGTERM) or killed, a second run prints what follows, nothing twice and
 * nothing left out — except that a kill in the instant between writing a response and saving its
 * offset prints that response again. Each response is then held in memory once (the catch-up of
 * a long stream may be one response); without an offset file the bytes are streamed through.
 *
 * @param {ReturnType<import('./streams-client.mjs').connect>} conn
 * @param {string} id
 * @param {{ from?: string, offsetFile?: string, out?: NodeJS.WritableStream, signal?: AbortSignal }} [options]
 * @returns {Promise<string>} the offset after what was printed
 */
export async function tailStream(conn, id, { from, offsetFile, out = process.stdout, signal } = {}) {
  const saved = offsetFile ? (await readTextFile(offsetFile))?.trim() : undefined
  const offset = saved || from || '-1'
  const res = await stream({
    url: conn.streamUrl(id),
    headers: conn.headers,
    offset,
    live: 'long-poll',
    fetch: conn.fetch,
    backoffOptions: conn.backoffOptions,
    signal,
    warnOnHttp: false,
  })
  const json = isJson(res.contentType)

  if (!offsetFile && !json) {
    try {
      for await (const chunk of res.bodyStream()) await writeOut(out, chunk)
    } catch (error) {
      if (!signal?.aborted) throw error
    }
    return res.offset
  }

  let lastSaved = saved
  let current = Promise.resolve()
  const handle = async (chunk) => {
    const data = json ? chunk.items.map((item) => `${JSON.stringify(item)}\n`).join('') : chunk.data
    if (data.length > 0) await writeOut(out, data)
    if (offsetFile && chunk.offset !== lastSaved) {
      await writeFileAtomic(offsetFile, `${chunk.offset}\n`)
      lastSaved = chunk.offset
    }
  }
  const subscriber = (chunk) => (current = handle(chunk))
  if (json) res.subscribeJson(subscriber)
  else res.subscribeBytes(subscriber)
  signal?.addEventListener('abort', () => res.cancel(), { once: true })
  try {
    await res.closed
  } catch (error) {
    if (!signal?.aborted) throw error
  }
  await current // a response being written when the signal came is finished, its offset saved
  return lastSaved ?? res.offset
}
