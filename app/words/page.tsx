import type { Metadata } from 'next'
import { CurlCommand } from '@/components/ui/curl-command'
import { DemoHeader } from '@/components/ui/demo-header'
import { WordsDemo } from '@/components/words/words-demo'
import { fieldLimits } from '@/components/api/schema-limits'
import { wordsQuery } from '@/app/api/words/schema'
import { HowItWorks } from '@/components/ui/how-it-works'

export const metadata: Metadata = { title: 'Words' }

export default function WordsPage() {
  return (
    <div className="space-y-6">
      <DemoHeader href="/words">
        <p>
          <code>GET /api/words</code> returns a <code>ReadableStream</code> built from an async generator. The stream is pull-based: the
          generator produces the next token only when the client has read the previous one. Stop cancels the reader; the server sees the
          cancel, the generator&apos;s <code>finally</code> runs and the open-stream counter drops.
        </p>
      </DemoHeader>
      <CurlCommand command="curl -N '{origin}/api/words?count=20&delay=150'" />
      <WordsDemo limits={fieldLimits(wordsQuery, ['count', 'delay'])} />
      <HowItWorks href="/words" />
    </div>
  )
}
