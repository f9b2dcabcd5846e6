/**
 * Visitors for tests. The app gives each visitor an identity in a cookie (`sluice_visitor`,
 * docs/security.md), and a test acts as a browser would: `installCookieJar()` (run for every
 * integration test file by `test/support/setup-integration.ts`) makes the global `fetch` keep the
 * cookies servers set, per host name as a browser does (not per port: two instances behind one
 * balancer share a visitor), so each test file is one visitor. `newVisitor()` is another
 * visitor with a jar of its own; `cookieHeader()`/`rememberCookies()` serve node:http requests.
 */

type Jar = Map<string, Map<string, string>>

const globalJar: Jar = new Map()
const plainFetch = globalThis.fetch

function hostOf(url: string | URL): string {
  return new URL(url).hostname
}

/** The `Cookie` header the jar has for `url`, if any. */
export function cookieHeader(url: string | URL, jar: Jar = globalJar): string | undefined {
  const cookies = jar.get(hostOf(url))
  if (!cookies || cookies.size === 0) return undefined
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
}

/** Keeps the cookies of `Set-Cookie` headers answered by `url`. */
export function rememberCookies(url: string | URL, setCookies: readonly string[], jar: Jar = globalJar): void {
  for (const line of setCookies) {
    const [pair] = line.split(';')
    const eq = pair!.indexOf('=')
    if (eq <= 0) continue
    const host = hostOf(url)
    const cookies = jar.get(host) ?? new Map<string, string>()
    cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
    jar.set(host, cookies)
  }
}

function jarFetch(jar: Jar): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const headers = new Headers(input instanceof Request ? input.headers : undefined)
    new Headers(init?.headers).forEach((value, key) => headers.set(key, value))
    const cookie = cookieHeader(url, jar)
    if (cookie !== undefined && !headers.has('cookie')) headers.set('cookie', cookie)
    const response = await plainFetch(input, { ...init, headers })
    rememberCookies(url, response.headers.getSetCookie(), jar)
    return response
  }
}

/** Makes the global `fetch` keep cookies like a browser (once per test file). */
export function installCookieJar(): void {
  globalThis.fetch = jarFetch(globalJar)
}

/** Another visitor: a `fetch` with a cookie jar of its own (empty: no identity until a server gives one). */
export function newVisitor(): { fetch: typeof fetch; cookie(url: string | URL): string | undefined } {
  const jar: Jar = new Map()
  return { fetch: jarFetch(jar), cookie: (url) => cookieHeader(url, jar) }
}

/** A `fetch` with no cookies at all (curl, a script, an attacker without the victim's cookie). */
export const anonymousFetch: typeof fetch = (input, init) => plainFetch(input, init)
