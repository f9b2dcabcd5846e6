import http from 'node:http'
import type { AddressInfo } from 'node:net'
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { nodeRoute } from '@/lib/http'
import { iterableToStream } from '@/lib/stream'

// The Pages transport hands each handler a Web `Request` whose `signal` follows the connection.
// undici links a Request's signal to the one it was built with through a WeakRef: once nothing
// holds the Request, a garbage collection cuts the link and a client leaving goes unnoticed.

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

let seen: AbortSignal | undefined
const server = http.createServer(
  nodeRoute('GET /api/health', (request) => {
    seen = request.signal // only the signal is kept, as a long wait or a stream does
    return new Response(
      iterableToStream(
        (async function* () {
          yield 'open\n'
          await new Promise(() => {}) // a response that lasts until the client leaves
        })(),
      ),
    )
  }) as unknown as http.RequestListener,
)
let port: number
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

describe('nodeRoute', () => {
  test("the handler's request.signal aborts when the client leaves, even after a garbage collection", async () => {
    const controller = new AbortController()
    const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: controller.signal })
    const reader = response.body!.getReader()
    await reader.read()
    expect(seen?.aborted).toBe(false)
    for (let i = 0; i < 3; i++) {
      gc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    controller.abort()
    await vi.waitFor(() => expect(seen?.aborted).toBe(true), { timeout: 3000 })
  })
})
