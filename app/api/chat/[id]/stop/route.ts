import { chatIdSchema, stopGeneration } from '@/lib/chat'
import { json, parseWith, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

/** Stops the chat's running generation, wherever it was started from. `{ stopped: false }` when none runs. */
export const POST = route('POST /api/chat/[id]/stop', async (_request, { params }: RouteContext<'/api/chat/[id]/stop'>) => {
  const id = parseWith(chatIdSchema, (await params).id, 'chat_id')
  return json(await stopGeneration(id))
})
