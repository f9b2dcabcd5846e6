import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A minimal load balancer for tests: one origin (127.0.0.1, a free port) in front of several
 * instances, sending each new request to the instance the test chose (`use(i)`). Requests and
 * responses stream through unbuffered (SSE, long uploads), and a client that goes away aborts
 * the upstream request. So a browser page can be served by instance A and, after `use(1)` and
 * a reload, by instance B, at the same URL, as behind a real load balancer without sticky sessions.
 */
export interface TestBalancer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** Sends the following requests to `upstreams[index]`. */
  use(index: number): void
  /** How many requests each upstream has been sent. */
  readonly counts: number[]
  close(): Promise<void>
}

export async function startBalancer(upstreams: string[]): Promise<TestBalancer> {
  let current = 0
  const counts = upstreams.map(() => 0)
  const sockets = new Set<import('node:net').Socket>()

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const index = current
    counts[index]!++
    const target = new URL(req.url ?? '/', upstreams[index])
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      res.flushHeaders()
      answer.pipe(res)
    })
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable:upstream"}}')
      else res.destroy()
    })
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  }

  const server = createServer(forward)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    use(index) {
      if (!upstreams[index]) throw new Error(`No upstream ${index}`)
      current = index
    },
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
