import type { Metadata } from 'next'
import { CurlCommand } from '@/components/ui/curl-command'
import { DemoHeader } from '@/components/ui/demo-header'
import { FeedDemo } from '@/components/feed/feed-demo'
import { SSE_HINTS } from '@/components/ui/sse-hints'
import { HowItWorks } from '@/components/ui/how-it-works'

export const metadata: Metadata = { title: 'Live feed' }

export default function FeedPage() {
  return (
    <div className="space-y-6">
      <DemoHeader href="/feed">
        <p>
          <code>GET /api/feed</code> is a Server-Sent Events stream of this server&apos;s live metrics, one event per interval, each with an
          increasing <code>id</code>. Heartbeat comments keep quiet connections open through proxies. The server keeps the last samples in a
          bounded buffer: when the browser reconnects it sends <code>Last-Event-ID</code> and gets every event it missed, in order, once.
          Clients that cannot set headers use <code>?lastEventId=</code>.
        </p>
        <p>
          No connection lasts for ever: after <code>SLUICE_STREAM_LIFETIME_MS</code> (270 s by default, below the platform&apos;s 300 s
          limit) the server ends it between two events with <code>event: reconnect</code>, whose <code>id</code> is the last sample&apos;s;{' '}
          <code>EventSource</code> reconnects by itself with that <code>Last-Event-ID</code>. The events are named: a plain{' '}
          <code>EventSource</code> listens with <code>addEventListener(&apos;metrics&apos;, …)</code> and{' '}
          <code>addEventListener(&apos;reconnect&apos;, …)</code>; <code>onmessage</code> gets nothing.
        </p>
        <p>
          An open reader costs the server memory for as long as it stays. <code>/api/feed</code> is a Pages API route writing to Node&apos;s
          response, which holds a reader in less memory than an App Router route handler (<code>npm run bench:live</code>). The same handler
          runs as an App Router route at <code>/api/app-router/feed</code>, the shape to copy for a route with few readers.
        </p>
      </DemoHeader>
      <CurlCommand command="curl -N -H 'Last-Event-ID: 0' '{origin}/api/feed'" sse={SSE_HINTS.feed} />
      <FeedDemo />
      <HowItWorks href="/feed" />
    </div>
  )
}
