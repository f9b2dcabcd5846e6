import { z } from 'zod'
import { paging } from '@/lib/contract'

/** `GET /api/jobs/import`: a page of the caller's imports. */
export const importListQuery = z.strictObject({ ...paging(20) })
