import { z } from 'zod'
import { DAY_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '@/lib/durable/expiry-limits'
import { mediaType } from '@/lib/durable/protocol-headers'

/**
 * The create options of document 002's application API (`streams.create()`, `POST /api/durable`)
 * as zod schemas and limits, with no server-only import: the server checks requests with them and
 * the `/durable` page derives its form's limits and first checks from the very same values.
 * Rules that depend on the clock or on each other (TTL bounds, `expiresAt`, not both) are
 * `expiryFor()` in `service-options.ts`, which answers with their own error codes.
 */

/** TTL when none is given: 30 days. */
export const DEFAULT_TTL_SECONDS = 30 * DAY_SECONDS
export { MAX_TTL_SECONDS, MIN_TTL_SECONDS }

export const NAMESPACE_MAX = 63
export const NAME_MAX = 128
export const METADATA_KEY_MAX = 64
export const METADATA_VALUE_MAX = 512
export const METADATA_MAX_KEYS = 32

export const namespaceSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a namespace is 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit')

/**
 * A chosen last segment of the id (`<namespace>/<name>`), instead of the random token. Unlike
 * the token it can be guessed, and with it the stream's URL.
 */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a name is 1–128 letters, digits, ".", "-" or "_", starting with a letter or digit (no "/")')

export const metadataKeySchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'metadata keys are 1–64 letters, digits, ".", "-" or "_"')
export const metadataValueSchema = z.string().max(METADATA_VALUE_MAX, `a metadata value is at most ${METADATA_VALUE_MAX} characters`)

export const metadataSchema = z
  .record(metadataKeySchema, metadataValueSchema)
  .refine((m) => Object.keys(m).length <= METADATA_MAX_KEYS, `at most ${METADATA_MAX_KEYS} metadata keys`)

export const contentTypeSchema = z.string().refine((value) => {
  try {
    mediaType(value)
    return true
  } catch {
    return false
  }
}, 'not a valid media type (e.g. text/csv, application/json)')

/** `ttl` as document 002 defines it: whole seconds, `null` or `0` for never (bounds: `expiryFor()`). */
export const ttlSchema = z.union([z.number(), z.null()]).optional()

/** An RFC 3339 instant (e.g. `2026-12-24T18:00:00Z`); when the stream expires instead of a TTL. */
export const expiresAtSchema = z.iso.datetime({ offset: true, error: 'expiresAt is an RFC 3339 instant, e.g. 2026-12-24T18:00:00Z' })

/** Options of `streams.create()` and `POST /api/durable`. */
export const createOptionsSchema = z.object({
  name: nameSchema.optional(),
  contentType: contentTypeSchema.optional(),
  compress: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  ttl: ttlSchema,
  expiresAt: expiresAtSchema.optional(),
})

export type CreateOptionsInput = z.infer<typeof createOptionsSchema>

/** `POST /api/durable`: a namespace plus the options of `streams.create()`. */
export const createBodySchema = createOptionsSchema.extend({ namespace: namespaceSchema })
