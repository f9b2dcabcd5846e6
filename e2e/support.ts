import type { APIRequestContext } from '@playwright/test'

/** The server's open streams of one kind, from `/api/health`. */
export async function activeStreams(request: APIRequestContext, kind: string): Promise<number> {
  const res = await request.get('/api/health')
  const body = (await res.json()) as { activeByKind: Record<string, number> }
  return body.activeByKind[kind] ?? 0
}
