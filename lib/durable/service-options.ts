import { z } from 'zod'
import { DAY_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '@/lib/durable/expiry-limits'
import { mediaType } from '@/lib/durable/protocol-headers'
import type { Expiry } from '@/lib/durable/store'
import { AppError } from '@/lib/errors'
import { parseWith } from '@/lib/http'

/**
 * The rules of the application API (document 002): names, metadata, TTL. Shared by
 * `service.ts` and the JSON endpoints, so both refuse the same things with the same errors.
 */

/** TTL when none is given: 30 days. */
export const DEFAULT_TTL_SECONDS = 30 * DAY_SECONDS

export const namespaceSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a namespace is 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit')

export const metadataSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'metadata keys are 1–64 letters, digits, ".", "-" or "_"'), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 32, 'at most 32 metadata keys')

export const contentTypeSchema = z.string().refine((value) => {
  try {
    mediaType(value)
    return true
  } catch {
    return false
  }
}, 'not a valid media type (e.g. text/csv, application/json)')

/** `ttl` as document 002 defines it; anything else is refused. */
export const ttlSchema = z.union([z.number(), z.null()]).optional()

/** Options of `streams.create()` and `POST /api/streams`. */
export const createOptionsSchema = z.object({
  contentType: contentTypeSchema.optional(),
  compress: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  ttl: ttlSchema,
})

export type CreateOptionsInput = z.infer<typeof createOptionsSchema>

/**
 * TTL semantics of document 002: omitted → 30 days; `null` or `0` → never expires; otherwise
 * whole seconds from 60 (one minute) to 7 776 000 (90 days). The expiry is fixed at creation.
 */
export function expiryForTtl(ttl: number | null | undefined, now = Date.now()): Expiry {
  if (ttl === undefined) return { kind: 'at', at: now + DEFAULT_TTL_SECONDS * 1000 }
  if (ttl === null || ttl === 0) return { kind: 'none' }
  if (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS) {
    throw new AppError(
      'bad_request:ttl',
      `ttl must be omitted (30 days), null or 0 (never expires), or whole seconds from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS} (90 days); got ${JSON.stringify(ttl)}`,
    )
  }
  return { kind: 'at', at: now + ttl * 1000 }
}

export function parseNamespace(namespace: unknown): string {
  return parseWith(namespaceSchema, namespace, 'namespace')
}

export function parseCreateOptions(options: unknown): CreateOptionsInput {
  return parseWith(createOptionsSchema, options ?? {}, 'options')
}

/** List paging: limit 1–1000 (default 100), offset ≥ 0 (default 0). */
export const pagingSchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})
