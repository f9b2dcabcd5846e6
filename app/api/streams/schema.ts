import { z } from 'zod'
import { createOptionsSchema, metadataSchema, namespaceSchema, pagingSchema } from '@/lib/durable/service-options'

/** `POST /api/streams`: a namespace plus the options of `streams.create()`. */
export const createBody = createOptionsSchema.extend({ namespace: namespaceSchema })

/** `GET /api/streams?namespace=&limit=&offset=&meta.<key>=<value>` */
export const listQuery = pagingSchema.extend({
  namespace: namespaceSchema.optional(),
  metadata: metadataSchema,
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
