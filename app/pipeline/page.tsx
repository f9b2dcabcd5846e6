import type { Metadata } from 'next'
import { CurlCommand } from '@/components/ui/curl-command'
import { DemoHeader } from '@/components/ui/demo-header'
import { PipelineDemo } from '@/components/pipeline/pipeline-demo'
import { fieldLimits } from '@/components/api/schema-limits'
import { transformQuery } from '@/app/api/pipeline/schema'
import { HowItWorks } from '@/components/ui/how-it-works'

export const metadata: Metadata = { title: 'Pipeline' }

export default function PipelinePage() {
  return (
    <div className="space-y-6">
      <DemoHeader href="/pipeline">
        <p>
          <code>POST /api/pipeline</code> pipes the request body through a chain of <code>TransformStream</code>s — a byte limit, UTF-8
          decoding, line splitting, filtering and enriching — and streams NDJSON records back while the body is still being read.
          Backpressure runs from the response to the request, so memory stays flat whatever the size.
        </p>
      </DemoHeader>
      <CurlCommand command="seq 1 2000000 | curl -N -X POST -T - -H 'Content-Type: text/plain' '{origin}/api/pipeline?filter=99'" />
      <PipelineDemo limits={fieldLimits(transformQuery, ['filter'])} />
      <HowItWorks href="/pipeline" />
    </div>
  )
}
