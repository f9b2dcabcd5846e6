import type { Metadata } from 'next'
import { CurlCommand } from '@/components/ui/curl-command'
import { DemoHeader } from '@/components/ui/demo-header'
import { SSE_HINTS } from '@/components/ui/sse-hints'
import { UploadDemo } from '@/components/uploads/upload-demo'
import { HowItWorks } from '@/components/ui/how-it-works'

export const metadata: Metadata = { title: 'Uploads' }

export default function UploadPage() {
  return (
    <div className="space-y-6">
      <DemoHeader href="/uploads">
        <p>
          <code>PUT /api/uploads/&lt;name&gt;</code> writes the request body to disk chunk by chunk — never reading faster than the disk
          takes it — hashes it with SHA-256 on the way, and streams a progress line back for each chunk while the body is still arriving.
          The file appears under its name only when complete (one atomic rename).
        </p>
        <p>
          A browser cannot read a response before it has sent the whole body, so this page follows the same server-side progress on a second
          channel (Server-Sent Events), driven by the bytes written to disk. An interrupted upload continues from the offset the server
          holds: after a dropped connection on its own, after a reload when you pick the same file again.
        </p>
        <p>
          Slow motion (<code>?rate=&lt;bytes per second&gt;</code> on the <code>PUT</code>) has the server read the body no faster than
          that: it pulls less, so the browser (or <code>curl</code>) is held back by TCP and nothing piles up in the server&apos;s memory.
        </p>
        <p>
          The upload URL is served by a Pages API route (<code>pages/api/node/uploads/[name].ts</code>): it gets Node&apos;s request itself,
          without the Web stream the App Router wraps around it, and ran about 1.9× faster with the same handler, as{' '}
          <code>npm run bench:uploads</code> measures. The App Router route stays as the readable example; send{' '}
          <code>X-Sluice-Transport: app-router</code> to use it.
        </p>
      </DemoHeader>
      <CurlCommand
        command={[
          "curl -b ~/.sluice -c ~/.sluice -T big.bin -N '{origin}/api/uploads/big.bin'",
          "curl -b ~/.sluice -c ~/.sluice -T big.bin -N '{origin}/api/uploads/big.bin?rate=262144'",
        ].join('\n')}
        sse={SSE_HINTS.uploadProgress}
      />
      <UploadDemo />
      <HowItWorks href="/uploads" />
    </div>
  )
}
