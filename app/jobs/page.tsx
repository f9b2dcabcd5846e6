import type { Metadata } from 'next'
import { ExportPanel } from '@/components/jobs/export-panel'
import { ImportPanel } from '@/components/jobs/import-panel'

export const metadata: Metadata = { title: 'Jobs' }

const curlImport = `curl -N -X POST 'http://localhost:3000/api/jobs/import?rows=5000&delayMs=100'
curl -N -X POST 'http://localhost:3000/api/jobs/import?source=upload' -H 'content-type: text/csv' --data-binary @people.csv
curl -X DELETE 'http://localhost:3000/api/jobs/import?stream=<streamId from the start frame>'`
const curlExport = `curl -OJ 'http://localhost:3000/api/jobs/export?format=csv&gzip=1'`

export default function JobsPage() {
  return (
    <div className="space-y-6">
      <section className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">Jobs</h1>
        <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">
          Two long jobs on an embedded SQLite database. The import is a <em>typed stream</em>: its input is validated
          before anything streams, then it sends <code>start</code>, progress <code>chunk</code>s and exactly one of{' '}
          <code>complete</code>, <code>error</code> or <code>cancel</code>. The export is a plain streaming download read
          from a database cursor at the pace the client reads.
        </p>
      </section>
      <ImportPanel />
      <pre className="overflow-x-auto rounded bg-zinc-100 p-3 text-xs dark:bg-zinc-900">{curlImport}</pre>
      <ExportPanel />
      <pre className="overflow-x-auto rounded bg-zinc-100 p-3 text-xs dark:bg-zinc-900">{curlExport}</pre>
    </div>
  )
}
