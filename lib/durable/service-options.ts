import { z } from 'zod'
import {
  createOptionsSchema,
  DEFAULT_TTL_SECONDS,
  MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  namespaceSchema,
  type CreateOptionsInput,
} from '@/lib/durable/create-options'
import type { Expiry } from '@/lib/durable/store'
import { paging } from '@/lib/contract'
import { AppError } from '@/lib/errors'
import { parseWith } from '@/lib/http'

/**
 * The rules of the application API (document 002): names, metadata, TTL. Shared by
 * `service.ts` and the JSON endpoints, so both refuse the same things with the same errors. The
 * schemas themselves are in `create-options.ts`, which the `/durable` page imports too.
 */

export {
  DEFAULT_TTL_SECONDS,
  metadataSchema,
  namespaceSchema,
  createOptionsSchema,
  type CreateOptionsInput,
} from '@/lib/durable/create-options'

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

/**
 * The expiry of a new stream: `ttl` as {@link expiryForTtl}, or `expiresAt`, an instant at least
 * a minute (the shortest TTL) and at most 90 days ahead — the same window, given as a date, as the
 * protocol's `Stream-Expires-At`. Both at once are refused.
 */
export function expiryFor(options: Pick<CreateOptionsInput, 'ttl' | 'expiresAt'>, now = Date.now()): Expiry {
  if (options.expiresAt === undefined) return expiryForTtl(options.ttl, now)
  if (options.ttl !== undefined) throw new AppError('bad_request:expiry', 'Give ttl or expiresAt, not both')
  const at = Date.parse(options.expiresAt)
  if (Number.isNaN(at)) throw new AppError('bad_request:expiry', `expiresAt ${JSON.stringify(options.expiresAt)} is not an instant`)
  if (at < now + MIN_TTL_SECONDS * 1000 || at > now + MAX_TTL_SECONDS * 1000) {
    throw new AppError('bad_request:expiry', `expiresAt must be from ${MIN_TTL_SECONDS} seconds to 90 days ahead; got ${options.expiresAt}`)
  }
  return { kind: 'at', at }
}

export function parseNamespace(namespace: unknown): string {
  return parseWith(namespaceSchema, namespace, 'namespace')
}

export function parseCreateOptions(options: unknown): CreateOptionsInput {
  return parseWith(createOptionsSchema, options ?? {}, 'options')
}

/** List paging: limit 1–1000 (default 100), offset ≥ 0 (default 0). */
export const pagingSchema = z.strictObject(paging(100))
