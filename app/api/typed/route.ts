import { json, route } from '@/lib/http'
import { catalogue } from '@/lib/typed'

/**
 * `GET /api/typed` — the catalogue of typed stream endpoints: for each, its name, path, methods,
 * description and its input, chunk and final schemas as JSON Schema (`lib/typed/catalogue.ts`).
 */
export const GET = route('GET /api/typed', () => json({ endpoints: catalogue() }))
