import { streamUrl } from '@/lib/durable/protocol-common'
import { streams } from '@/lib/durable/service'
import { json, parseJsonBody, parseWith, route } from '@/lib/http'
import { createBody, listQuery, listQueryInput } from './schema'

export const dynamic = 'force-dynamic'

/**
 * The caller's streams (the operator's: every stream): `namespace`, exact `meta.<key>=<value>`
 * filters, `limit` (≤ 1000) and `offset`.
 */
export const GET = route('GET /api/streams', async (request, _context, access) => {
  const query = parseWith(listQuery, listQueryInput(new URL(request.url)), 'query')
  const mine = await access.mine('stream', { limit: 1000 })
  const result = mine === 'all' ? await streams.list(query) : await streams.listOf(mine.ids, query)
  return json({ ...result, limit: query.limit, offset: query.offset })
})

/** Create a stream for an external writer; append to it over the protocol at `url`. A visitor owns what it creates. */
export const POST = route('POST /api/streams', async (request, _context, access) => {
  const { namespace, ...options } = await parseJsonBody(request, createBody)
  const writer = await streams.create(namespace, options)
  if (access.visitor !== undefined) await access.claim('stream', writer.id)
  const info = await streams.get(writer.id)
  return json({ ...info, url: streamUrl(request, writer.id) }, { status: 201 })
})
