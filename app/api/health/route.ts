import { activitySnapshot } from '@/lib/activity'
import { json, route } from '@/lib/http'

export const dynamic = 'force-dynamic'

export const GET = route(() => json({ ok: true, pid: process.pid, ...activitySnapshot() }))
