import http from 'node:http'
import { cookieHeader, rememberCookies } from './visitor.ts'

/**
 * Sends a request body chunk by chunk with node:http, so a test can tell whether the response
 * started before the body ended. `next()` returns the next chunk to send, or null at the end;
 * it is called again only when the previous chunk has been handed to the socket.
 */
export function duplexRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; next: () => Promise<Buffer | null> | Buffer | null },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; lines: AsyncGenerator<string>; finished: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const cookie = cookieHeader(url) // the test file's visitor, as its fetch has it
    const req = http.request(url, {
      method: options.method,
      headers: cookie === undefined ? options.headers : { cookie, ...options.headers },
    })
    let done!: () => void
    const finished = new Promise<void>((r) => (done = r))
    req.on('error', reject)
    req.on('response', (res) => {
      rememberCookies(url, res.headers['set-cookie'] ?? [])
      async function* lines() {
        let rest = ''
        for await (const chunk of res) {
          rest += chunk.toString('utf8')
          const parts = rest.split('\n')
          rest = parts.pop() ?? ''
          yield* parts
        }
        if (rest) yield rest
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, lines: lines(), finished })
    })
    void (async () => {
      for (;;) {
        const chunk = await options.next()
        if (chunk === null) break
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r))
      }
      req.end(done)
    })().catch(reject)
  })
}
