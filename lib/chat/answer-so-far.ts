import { readUIMessageStream, type UIMessageChunk } from 'ai'
import type { ChatMessage, ChatMetadata } from '@/lib/chat/messages'
import { streams } from '@/lib/durable'

/** The UI message chunks in SSE text made of `data: {…}\n\n` frames (complete frames only; `[DONE]` skipped). */
export function parseFrames(text: string): UIMessageChunk<ChatMetadata>[] {
  const chunks: UIMessageChunk<ChatMetadata>[] = []
  for (const frame of text.split('\n\n').slice(0, -1)) {
    const data = frame.startsWith('data: ') ? frame.slice(6) : ''
    if (data && data !== '[DONE]') chunks.push(JSON.parse(data) as UIMessageChunk<ChatMetadata>)
  }
  return chunks
}

/**
 * The answer a generation has written so far, rebuilt from its durable stream — what a page
 * rendered mid-answer shows at first paint, before it reattaches and follows the rest.
 * `undefined` when the stream is gone or holds no message yet.
 */
export async function answerSoFar(generationId: string): Promise<ChatMessage | undefined> {
  let text: string
  try {
    text = await new Response(await streams.download(generationId)).text()
  } catch {
    return undefined
  }
  const chunks = parseFrames(text)
  if (chunks.length === 0) return undefined
  let answer: ChatMessage | undefined
  const stream = new ReadableStream<UIMessageChunk<ChatMetadata>>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
  for await (const message of readUIMessageStream<ChatMessage>({ stream })) answer = message
  return answer
}
