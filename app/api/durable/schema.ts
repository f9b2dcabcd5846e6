import { z } from 'zod'
import { createBodySchema, metadataSchema, namespaceSchema, pagingSchema } from '@/lib/durable'

/** `POST /api/durable`: a namespace plus the options of `streams.create()` (the schema the page's form uses too). */
export const createBody = createBodySchema

/** Streams a page of a live list may hold: each open one is watched for changes. */
export const LIVE_LIST_MAX = 100

/** `GET /api/durable?namespace=&limit=&offset=&meta.<key>=<value>[&live=sse]` */
export const listQuery = z
  .strictObject({
    ...pagingSchema.shape,
    namespace: namespaceSchema.optional(),
    metadata: metadataSchema,
    live: z.literal('sse', { error: 'live is "sse" or absent' }).optional(),
  })
  .refine((q) => q.live === undefined || q.limit <= LIVE_LIST_MAX, {
    message: `a live list holds at most ${LIVE_LIST_MAX} streams a page (limit)`,
    path: ['limit'],
  })

/** The query string as the list schema's input: `meta.<key>` parameters become `metadata`. */
export function listQueryInput(url: URL): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  const metadata: Record<string, string> = {}
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('meta.')) metadata[key.slice(5)] = value
    else if (value !== '') input[key] = value
  }
  return { ...input, metadata }
}

export type ListQuery = z.infer<typeof listQuery>
