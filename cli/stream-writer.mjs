// Writing a byte source into a durable stream: batched appends through the official client's
// IdempotentProducer (exactly once across retries), optionally resumable after a crash.
import { createHash, randomUUID } from 'node:crypto'
import { IdempotentProducer, PRODUCER_EPOCH_HEADER, PRODUCER_ID_HEADER, PRODUCER_SEQ_HEADER } from '@durable-streams/client'
import { ByteReader, batches } from './batches.mjs'
import { readJsonFile, writeFileAtomic } from './files.mjs'
import { CliError } from './streams-client.mjs'

const isJson = (contentType) => (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json'
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

/** A JSON stream's batch as messages: one per non-blank line. */
function messagesOf(batch, json) {
  if (!json) return [batch]
  return batch
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
}

/**
 * The checkpoint of `write --checkpoint <file>`, saved atomically (temp file + rename): the
 * producer's id and epoch, how many input bytes are stored, and the batch in flight (its producer
 * sequence, length and hash). A run after a crash reads the same input from its start, skips what
 * is stored, sends the batch that was in flight again under its old (id, epoch, seq) — the server
 * stores it or recognises it — and goes on under the next epoch, which also fences the old process.
 */
async function loadCheckpoint(path, stream) {
  const saved = await readJsonFile(path)
  if (saved === undefined) return { version: 1, stream, producerId: `sluice-cli-${randomUUID()}`, epoch: -1, stored: 0, inFlight: null }
  if (saved.version !== 1 || saved.stream !== stream || typeof saved.producerId !== 'string') {
    throw new CliError(`The checkpoint ${path} belongs to ${saved.stream ? `stream ${saved.stream}` : 'something else'}, not ${stream}`, {
      usage: true,
    })
  }
  return saved
}

/** Sends the batch a crashed run had in flight, under its own (producer, epoch, seq). */
async function resendInFlight(conn, url, contentType, checkpoint, reader) {
  const { epoch, seq, length, hash } = checkpoint.inFlight
  const batch = await reader.read(length)
  if (batch.length !== length || sha256(batch) !== hash) {
    throw new CliError('The input differs from the run the checkpoint was saved by: give the same input again, from its start', {
      usage: true,
    })
  }
  const messages = messagesOf(batch, isJson(contentType))
  const body = isJson(contentType) ? `[${messages.join(',')}]` : batch
  await conn.fetchRetrying(url, {
    method: 'POST',
    headers: {
      ...conn.headers,
      'content-type': contentType,
      [PRODUCER_ID_HEADER]: checkpoint.producerId,
      [PRODUCER_EPOCH_HEADER]: String(epoch),
      [PRODUCER_SEQ_HEADER]: String(seq),
    },
    body,
  })
  return batch.length
}

/**
 * Appends `source` to stream `id` in batches (≤ `maxBytes`, or `lingerMs` after a batch's first
 * byte, whichever first), one append in flight at a time: memory stays flat and a slow server
 * slows the source. Each batch is one producer request, retried with the same (id, epoch, seq) on
 * network errors and 5xx, so it is stored exactly once. A JSON stream takes one message per line.
 *
 * @param {ReturnType<import('./streams-client.mjs').connect>} conn
 * @param {string} id
 * @param {AsyncIterable<Uint8Array | string>} source
 * @param {{ checkpoint?: string, close?: boolean, maxBytes?: number, lingerMs?: number }} [options]
 * @returns {Promise<{ url: string, bytes: number, appends: number, skipped: number }>}
 */
export async function writeStream(
  conn,
  id,
  source,
  { checkpoint: checkpointPath, close = false, maxBytes = 64 * 1024, lingerMs = 50 } = {},
) {
  const handle = conn.handle(id)
  const head = await handle.head()
  if (!head.exists)
    throw new CliError(`No stream ${id}`, { code: 'not_found:stream', hint: `Create it first: sluice streams create ${id}` })
  const contentType = handle.contentType ?? 'application/octet-stream'
  const json = isJson(contentType)
  const checkpoint = checkpointPath ? await loadCheckpoint(checkpointPath, id) : undefined
  if (head.streamClosed) {
    // The same command run again after it closed the stream: done already.
    if (checkpoint?.closed) return { url: handle.url, bytes: 0, appends: 0, skipped: checkpoint.stored }
    throw new CliError(`The stream ${id} is closed`, {
      code: 'conflict:closed',
      hint: 'A closed stream takes no more data: write to a new one.',
    })
  }
  const save = checkpoint ? (change) => writeFileAtomic(checkpointPath, JSON.stringify(Object.assign(checkpoint, change))) : async () => {}
  let input = source
  let skipped = 0
  if (checkpoint && (checkpoint.stored > 0 || checkpoint.inFlight)) {
    const reader = new ByteReader(source)
    skipped = await reader.skip(checkpoint.stored)
    if (skipped < checkpoint.stored)
      throw new CliError(`The input ended after ${skipped} bytes; the checkpoint says ${checkpoint.stored} are stored already`, {
        usage: true,
      })
    if (checkpoint.inFlight) {
      const length = await resendInFlight(conn, handle.url, contentType, checkpoint, reader)
      skipped += length
      await save({ stored: checkpoint.stored + length, inFlight: null })
    }
    input = reader.rest()
  }

  // A new epoch on every run (0 without a checkpoint: the producer id is new): a retry of this
  // run's batch is recognised, and a stale process still writing under an older epoch is refused.
  const producerId = checkpoint?.producerId ?? `sluice-cli-${randomUUID()}`
  const epoch = checkpoint ? checkpoint.epoch + 1 : 0
  await save({ epoch })
  let failure
  const producer = new IdempotentProducer(handle, producerId, {
    epoch,
    maxInFlight: 1,
    lingerMs: 0, // the batches are cut here; flush() sends each as one request
    maxBatchBytes: Number.MAX_SAFE_INTEGER,
    fetch: conn.fetchRetrying,
    onError: (error) => (failure ??= error),
  })

  let bytes = 0
  let appends = 0
  for await (const batch of batches(input, { maxBytes, lingerMs, lines: json })) {
    const messages = messagesOf(batch, json)
    if (messages.length > 0) {
      await save({ inFlight: { epoch: producer.epoch, seq: producer.nextSeq, length: batch.length, hash: sha256(batch) } })
      for (const message of messages) producer.append(message)
      await producer.flush()
      if (failure) throw failure
      appends++
    }
    bytes += batch.length
    await save({ stored: (checkpoint?.stored ?? 0) + batch.length, inFlight: null })
  }
  await producer.detach()
  if (failure) throw failure
  if (close) {
    await handle.close()
    await save({ closed: true })
  }
  return { url: handle.url, bytes, appends, skipped }
}
