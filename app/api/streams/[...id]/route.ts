import { requireWriteAccess } from '@/lib/durable/auth'
import { streamUrl } from '@/lib/durable/protocol-common'
import { streams } from '@/lib/durable/service'
import { json, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

interface Context {
  params: Promise<{ id: string[] }>
}

const idOf = async (context: Context) => (await context.params).id.join('/')

/** A stream's metadata: size, state, expiry, compression, its protocol URL. */
export const GET = route<Context>(async (request, context) => {
  const info = await streams.get(await idOf(context))
  return json({ ...info, url: streamUrl(request, info.id) })
})

export const DELETE = route<Context>(async (request, context) => {
  requireWriteAccess(request)
  await streams.delete(await idOf(context))
  return new Response(null, { status: 204 })
})
