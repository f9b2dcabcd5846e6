import { streams, streamUrl } from '@/lib/durable'
import { json, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

type Context = RouteContext<'/api/durable/[...id]'>

const idOf = async (context: Context) => (await context.params).id.join('/')

/**
 * A stream's metadata: size, state, expiry, compression, its protocol URL, and `yours`: whether
 * the caller may write to, close and delete it as its owner (its visitor, or the operator).
 */
export const GET = route<Context>('GET /api/durable/[...id]', async (request, context, access) => {
  const info = await streams.get(await idOf(context))
  return json({ ...info, url: streamUrl(request, info.id), yours: await access.owns('stream', info.id) })
})

/** Deletes a stream: its owner's call (or a writer's, for a stream nobody owns). */
export const DELETE = route<Context>('DELETE /api/durable/[...id]', async (_request, context, access) => {
  const id = await idOf(context)
  await streams.delete(id)
  await access.release('stream', id)
  return new Response(null, { status: 204 })
})
