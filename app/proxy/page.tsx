import type { Metadata } from 'next'
import { CurlCommand } from '@/components/ui/curl-command'
import { DemoHeader } from '@/components/ui/demo-header'
import { ProxyDemo } from '@/components/proxy/proxy-demo'
import { DEFAULT_OPENAI_MODEL, proxyUpstream } from '@/lib/ai'
import { config } from '@/lib/config'
import { HowItWorks } from '@/components/ui/how-it-works'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'OpenAI proxy' }

export default function ProxyPage() {
  const upstream = proxyUpstream()
  return (
    <div className="space-y-6">
      <DemoHeader href="/proxy">
        <p>
          <code>POST /api/proxy/openai</code> forwards a chat-completions request to{' '}
          {upstream ? <code>{new URL(upstream.url).host}</code> : 'the configured OpenAI-compatible server'} with the server&apos;s key and
          returns the upstream response body unchanged: no parsing, no re-encoding, the upstream&apos;s own status on errors. Stop aborts
          the fetch; the proxy aborts the upstream request.
        </p>
      </DemoHeader>
      <CurlCommand
        command={`curl -N {origin}/api/proxy/openai -H 'content-type: application/json' -d '{"model":"${config().SLUICE_MODEL ?? DEFAULT_OPENAI_MODEL}","stream":true,"messages":[{"role":"user","content":"Hello"}]}'`}
      />
      <ProxyDemo model={config().SLUICE_MODEL ?? DEFAULT_OPENAI_MODEL} configured={upstream !== undefined} />
      <HowItWorks href="/proxy" />
    </div>
  )
}
