import type { z } from 'zod'
import type { AnyStreamDefinition, ChunkOf, FinalOf } from '@/lib/typed/define'
import type { StreamFrame } from '@/lib/typed/frames'
import { silentLogger } from '@/lib/typed/logger'
import { startStream } from '@/lib/typed/run'

/**
 * Runs a definition without a server, for unit tests: parses `input` with its schema (throwing on
 * invalid input, as the route would answer 400), runs the handler with payload validation on, and
 * returns every frame. `request` defaults to a bare GET.
 */
export async function collectFrames<D extends AnyStreamDefinition>(
  definition: D,
  input: z.input<D['input']>,
  options: { request?: Request } = {},
): Promise<StreamFrame<ChunkOf<D>, FinalOf<D>>[]> {
  const parsed = definition.input.parse(input) as z.output<D['input']>
  const run = startStream(definition, parsed, {
    request: options.request ?? new Request('http://localhost/'),
    logger: silentLogger,
    validate: true,
  })
  const frames: StreamFrame<ChunkOf<D>, FinalOf<D>>[] = []
  for await (const frame of run.frames) frames.push(frame)
  await run.settled
  return frames
}
