import { requireWriteAccess } from '@/lib/durable/auth'
import { streamUrl } from '@/lib/durable/protocol-common'
import { streams } from '@/lib/durable/service'
import { json, parseJsonBody, parseWith, route } from '@/lib/http'
import { createBody, listQuery, listQueryInput } from './schema'

export const dynamic = 'force-dynamic'

/** List streams: `namespace`, exact `meta.<key>=<value>` filters, `limit` (≤ 1000) and `offset`. */
export const GET = route(async (request) => {
  const query = parseWith(listQuery, listQueryInput(new URL(request.url)), 'query')
  const result = await streams.list(query)
  return json({ ...result, limit: query.limit, offset: query.offset })
})

/** Create a stream for an external writer; append to it over the protocol at `url`. */
export const POST = route(async (request) => {
  requireWriteAccess(request)
  const { namespace, ...options } = await parseJsonBody(request, createBody)
  const writer = await streams.create(namespace, options)
  const info = await streams.get(writer.id)
  return json({ ...info, url: streamUrl(request, writer.id) }, { status: 201 })
})
