import type { Metadata } from 'next'
import { CurlCommand } from '@/components/curl-command'
import { DemoHeader } from '@/components/demo-header'
import { FeedDemo } from '@/components/feed-demo'
import { SSE_HINTS } from '@/components/sse-hints'

export const metadata: Metadata = { title: 'Live feed' }

export default function FeedPage() {
  return (
    <div className="space-y-6">
      <DemoHeader title="Live feed" source="document 004">
        <p>
          <code>GET /api/feed</code> is a Server-Sent Events stream of this server&apos;s live metrics, one event per interval,
          each with an increasing <code>id</code>. Heartbeat comments keep quiet connections open through proxies. The server
          keeps the last samples in a bounded buffer: when the browser reconnects it sends <code>Last-Event-ID</code> and gets
          every event it missed, in order, once. Clients that cannot set headers use <code>?lastEventId=</code>.
        </p>
      </DemoHeader>
      <CurlCommand command="curl -N -H 'Last-Event-ID: 0' '{origin}/api/feed'" sse={SSE_HINTS.feed} />
      <FeedDemo />
    </div>
  )
}
