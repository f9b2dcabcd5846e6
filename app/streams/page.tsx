import type { Metadata } from 'next'
import { CurlCommand } from '@/components/curl-command'
import { DemoHeader } from '@/components/demo-header'
import { StreamsDemo } from '@/components/streams-demo'

export const metadata: Metadata = { title: 'Durable streams' }

export default async function StreamsPage({ searchParams }: { searchParams: Promise<{ id?: string | string[] }> }) {
  const { id } = await searchParams
  return (
    <div className="space-y-6">
      <DemoHeader title="Durable streams" source="document 002">
        <p>
          Instead of streaming into one fragile connection, the server writes to storage and hands out a URL. The data
          outlives refreshes, dropped networks and closed tabs, and any number of viewers can read it — over the open{' '}
          <a className="underline" href="https://github.com/durable-streams/durable-streams/blob/main/PROTOCOL.md">
            Durable Streams protocol
          </a>{' '}
          at <code>/v1/stream/&lt;id&gt;</code> (catch-up, long-poll, SSE).
        </p>
        <p>
          Start a producer, then reload this page while it writes: the viewer resumes from the offset it saved, without
          gaps or duplicates. The producers write in the background, after their request has been answered.
        </p>
      </DemoHeader>
      <CurlCommand command={`curl -X PUT -H 'Content-Type: text/plain' {origin}/v1/stream/demo/mine && curl -X POST -H 'Content-Type: text/plain' -d 'hello ' {origin}/v1/stream/demo/mine && curl -N '{origin}/v1/stream/demo/mine?offset=-1&live=sse'`} />
      <StreamsDemo initialId={typeof id === 'string' && id !== '' ? id : undefined} />
    </div>
  )
}
