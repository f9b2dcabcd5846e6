import type { Metadata } from 'next'
import { CurlCommand } from '@/components/ui/curl-command'
import { DemoHeader } from '@/components/ui/demo-header'
import { EndpointCard } from '@/components/typed/endpoint-card'
import { catalogue } from '@/app/api/typed/catalogue'
import { HowItWorks } from '@/components/ui/how-it-works'

export const metadata: Metadata = { title: 'Typed streams' }

export default function TypedPage() {
  const endpoints = catalogue()
  return (
    <div className="space-y-6">
      <DemoHeader href="/typed">
        <p>
          Every <code>defineStream</code> endpoint of the app, from its registry (<code>app/api/typed/catalogue.ts</code>). Each has a zod
          schema for its input, its chunks and its final value, shown here as JSON Schema; the form under it is generated from the input
          schema. A run is validated before anything streams (a 400 naming the field otherwise), then sends <code>start</code>,{' '}
          <code>chunk</code>s and exactly one of <code>complete</code>, <code>error</code> or <code>cancel</code>; the frames appear below
          the form as they arrive. Cancel asks the server to stop the run (<code>DELETE ?stream=&lt;id&gt;</code>), and the{' '}
          <code>cancel</code> frame carries what it got done.
        </p>
        <p>
          The frames are Server-Sent Events named after their type (<code>event: chunk</code>…): an <code>EventSource</code> must listen
          with <code>addEventListener(&apos;chunk&apos;, …)</code>, its <code>onmessage</code> receives nothing. The page reads them with{' '}
          <code>fetch</code> (a POST with a JSON body). Add your own with <code>npm run new:stream &lt;name&gt;</code>: the countdown below
          is what it generates.
        </p>
      </DemoHeader>
      <CurlCommand
        command={[
          "curl '{origin}/api/typed'                      # the catalogue: every endpoint and its JSON Schemas",
          "curl -N '{origin}/api/typed/countdown?from=5&delayMs=300'",
          "curl -N -X POST '{origin}/api/typed/answer' -H 'content-type: application/json' -d '{\"prompt\":\"What is backpressure?\"}'",
        ].join('\n')}
      />
      {endpoints.map((entry) => (
        <EndpointCard key={entry.path} entry={entry} />
      ))}
      <HowItWorks href="/typed" />
    </div>
  )
}
