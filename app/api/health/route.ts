import { activitySnapshot } from '@/lib/activity'
import { config } from '@/lib/config'
import { json, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

export const GET = route('GET /api/health', () => json({ ok: true, pid: process.pid, store: config().store.kind, ...activitySnapshot() }))
