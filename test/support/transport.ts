/**
 * Routes whose public URL is served by a Pages API route (uploads, the durable protocol) keep their
 * App Router route as a twin, reached with this header (`next.config.ts`, `missing` on the rewrite).
 */
export const APP_ROUTER_TWIN = { 'X-Sluice-Transport': 'app-router' } as const

/**
 * Whether the App Router answered: Next.js names the route in the `Vary` header (`rsc`) of App
 * Router responses only. Takes the header as `Headers.get()` or Node's `res.headers.vary` give it.
 */
export function answeredByAppRouter(vary: string | string[] | null | undefined): boolean {
  return /\brsc\b/i.test(String(vary ?? ''))
}
