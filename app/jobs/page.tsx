import type { Metadata } from 'next'
import Link from 'next/link'
import { CurlCommand } from '@/components/ui/curl-command'
import { SSE_HINTS } from '@/components/ui/sse-hints'
import { DemoHeader } from '@/components/ui/demo-header'
import { ExportPanel } from '@/components/jobs/export-panel'
import { ImportPanel } from '@/components/jobs/import-panel'
import { fieldLimits } from '@/components/api/schema-limits'
import { seedBody } from '@/app/api/jobs/export/table/schema'
import { importJob } from '@/lib/jobs'
import { HowItWorks } from '@/components/ui/how-it-works'

export const metadata: Metadata = { title: 'Jobs' }

/** The table size's upper bound is configuration (read at request time, not baked in at build). */
export const dynamic = 'force-dynamic'

export default function JobsPage() {
  return (
    <div className="space-y-6">
      <DemoHeader href="/jobs">
        <p>
          Two long jobs on an embedded SQLite database (<code>node:sqlite</code>). The import is a <em>typed stream</em>: its input is
          validated before anything streams (a 400 with the reasons otherwise), then it sends <code>start</code>, progress{' '}
          <code>chunk</code>s and exactly one of <code>complete</code>, <code>error</code> or <code>cancel</code>, the library guaranteeing
          that last one whatever the handler does. Cancel stops it between two committed batches. Every typed endpoint, with its schemas and
          a form to run it:{' '}
          <Link className="underline" href="/typed">
            Typed streams
          </Link>
          .
        </p>
        <p>
          The export reads the table with a database cursor at the pace the client reads it: as a direct download, or in the background into
          a durable stream whose URL comes back at once.
        </p>
      </DemoHeader>
      <CurlCommand
        command={[
          "curl -N -X POST '{origin}/api/jobs/import?rows=5000&delayMs=100'",
          "curl -N -X POST '{origin}/api/jobs/import?source=upload' -H 'content-type: text/csv' --data-binary @people.csv",
          "curl -X DELETE '{origin}/api/jobs/import?stream=<streamId of the start frame>'",
          "curl -b ~/.sluice -c ~/.sluice '{origin}/api/jobs/import?limit=5'",
          "curl -OJ '{origin}/api/jobs/export?format=csv&gzip=1'",
          "curl -X POST '{origin}/api/jobs/export/durable' -H 'content-type: application/json' -d '{\"format\":\"ndjson\"}'",
        ].join('\n')}
        sse={SSE_HINTS.importJob}
      />
      <ImportPanel limits={fieldLimits(importJob.input, ['rows', 'invalidEvery', 'batchSize', 'delayMs'])} />
      <ExportPanel limits={fieldLimits(seedBody(), ['rows'])} />
      <HowItWorks href="/jobs" />
    </div>
  )
}
