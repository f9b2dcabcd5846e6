import { json, route } from '@/lib/http'
import { catalogue } from '@/app/api/typed/catalogue'

/**
 * `GET /api/typed` — the catalogue of typed stream endpoints: for each, its name, path, methods,
 * description and its input, chunk and final schemas as JSON Schema (`app/api/typed/catalogue.ts`).
 */
export const GET = route('GET /api/typed', () => json({ endpoints: catalogue() }))
