import type { Metadata } from 'next'
import { CurlCommand } from '@/components/ui/curl-command'
import { DemoHeader } from '@/components/ui/demo-header'
import { SSE_HINTS } from '@/components/ui/sse-hints'
import { DurableDemo } from '@/components/durable/durable-demo'
import { HowItWorks } from '@/components/ui/how-it-works'

export const metadata: Metadata = { title: 'Durable streams' }

export default async function DurablePage({ searchParams }: { searchParams: Promise<{ id?: string | string[] }> }) {
  const { id } = await searchParams
  return (
    <div className="space-y-6">
      <DemoHeader href="/durable">
        <p>
          Instead of streaming into one fragile connection, the server writes to storage and hands out a URL. The data outlives refreshes,
          dropped networks and closed tabs, and any number of viewers can read it — over the open{' '}
          <a className="underline" href="https://github.com/durable-streams/durable-streams/blob/main/PROTOCOL.md">
            Durable Streams protocol
          </a>{' '}
          at <code>/v1/stream/&lt;id&gt;</code> (catch-up, long-poll, SSE).
        </p>
        <p>
          Create a stream with every option of the durable stream service (namespace, content type, gzip, metadata, TTL), write to it and
          close it; or start a producer, then reload this page while it writes: the viewer resumes from the offset it saved, without gaps or
          duplicates. The producers write in the background, after their request has been answered.
        </p>
        <p>
          The list below is live: the server pushes it again (<code>GET /api/durable?live=sse</code>) whenever one of your streams is
          created, written, closed or deleted — from this tab, another one, curl with your cookie, or a script.
        </p>
        <p>
          <code>/v1/stream/*</code> is served by a Pages API route (<code>pages/api/node/v1/stream/[...path].ts</code>), not the App Router:
          with the same code it spends less CPU on each append and holds an open reader in less memory (<code>npm run bench:durable</code>,{' '}
          <code>npm run bench:live</code>). The App Router route stays as the readable example; send{' '}
          <code>X-Sluice-Transport: app-router</code> to use it.
        </p>
      </DemoHeader>
      <CurlCommand
        command={`curl -X PUT -H 'Content-Type: text/plain' {origin}/v1/stream/demo/mine && curl -X POST -H 'Content-Type: text/plain' -d 'hello ' {origin}/v1/stream/demo/mine && curl -N '{origin}/v1/stream/demo/mine?offset=-1&live=sse'\ncurl -N -b ~/.sluice -c ~/.sluice '{origin}/api/durable?live=sse'   # your streams (the jar's identity), pushed again on every change`}
        sse={[SSE_HINTS.durable('demo/mine'), SSE_HINTS.streamList]}
      />
      <DurableDemo initialId={typeof id === 'string' && id !== '' ? id : undefined} />
      <HowItWorks href="/durable" />
    </div>
  )
}
