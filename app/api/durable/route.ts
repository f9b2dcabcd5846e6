import { LIVE_LIST_LIMITS, ownerChanges, reserveSlot } from '@/lib/access'
import { config } from '@/lib/config'
import { liveList, streams, streamUrl } from '@/lib/durable'
import { json, parseJsonBody, parseWith, route } from '@/lib/http'
import { sseResponse } from '@/lib/stream'
import { createBody, listQuery, listQueryInput } from './schema'

export const dynamic = 'force-dynamic'
/** Seconds this route may run on Vercel: a live list ends after SLUICE_STREAMS_SSE_MAX_MS, well before. */
export const maxDuration = 300

/**
 * The caller's streams (the operator's: every stream): `namespace`, exact `meta.<key>=<value>`
 * filters, `limit` (≤ 1000) and `offset`. With `live=sse`, Server-Sent Events instead: a
 * `streams` event with the page at once and again whenever it changes (`lib/durable/live-list.ts`),
 * until `SLUICE_STREAMS_SSE_MAX_MS`; then the client connects again.
 */
export const GET = route('GET /api/durable', async (request, _context, access) => {
  const { live, ...query } = parseWith(listQuery, listQueryInput(new URL(request.url)), 'query')
  const read = async () => {
    const mine = await access.mine('stream', { limit: 1000 })
    const result = mine === 'all' ? await streams.list(query) : await streams.listOf(mine.ids, query)
    return { ...result, limit: query.limit, offset: query.offset }
  }
  if (live !== 'sse') return json(await read())

  const visitor = access.operator ? undefined : access.identity()
  const release = reserveSlot('live-list', visitor, LIVE_LIST_LIMITS)
  const listen = visitor === undefined ? undefined : () => ownerChanges().listen('stream', visitor)
  return sseResponse(
    async function* (signal) {
      for await (const page of liveList({ read, listen }, { signal, lifetimeMs: config().SLUICE_STREAMS_SSE_MAX_MS })) {
        yield { event: 'streams', data: page }
      }
    },
    // No `done` event: the list never ends by itself, a client (EventSource included) connects again.
    { signal: request.signal, retry: 1_000, done: false, onEnd: release },
  )
})

/** Create a stream for an external writer; append to it over the protocol at `url`. A visitor owns what it creates. */
export const POST = route('POST /api/durable', async (request, _context, access) => {
  const { namespace, ...options } = await parseJsonBody(request, createBody)
  const writer = await streams.create(namespace, options)
  if (access.visitor !== undefined) await access.claim('stream', writer.id)
  const info = await streams.get(writer.id)
  return json({ ...info, url: streamUrl(request, writer.id) }, { status: 201 })
})
