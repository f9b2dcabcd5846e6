// The baseline for bench/uploads.mjs: a plain node:http server doing the same work as Sluice's
// PUT /api/uploads/<name> — read a chunk, write it at its offset (awaited: never read ahead of the
// disk), hash it, queue its progress line (lines are written together every 10 ms, as Sluice
// does); at the end fsync, rename the temporary file into place, sync the directory, and send
// size + SHA-256. No framework, no resume bookkeeping.
//
// BODY=web reads the body the way a Next.js route handler gets it: `new Request(..., { body: req })`
// (undici turns the IncomingMessage into a web ReadableStream, copying each chunk). That variant
// separates the cost of the Web body from the cost of Next.js and of Sluice.
//
// BALLAST_MIB=<n> first builds and keeps ~n MiB of small objects, a heap the size of a Next.js
// server's, to show what a large heap does to the garbage collection of the request chunks
// (docs/uploads.md, "Where the full GCs come from": run it with `node --trace-gc`).
import { createHash } from 'node:crypto'
import { mkdir, open, rename } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'

const ballast = []
for (let i = 0; i < Number(process.env.BALLAST_MIB ?? 0) * 8192; i++) ballast.push({ i, text: `item ${i}`, pair: [i, i + 1] })
globalThis.uploadsBenchBallast = ballast

const dir = process.env.UPLOAD_DIR ?? path.resolve('uploads')
await mkdir(dir, { recursive: true })

const server = http.createServer(async (req, res) => {
  const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop() ?? 'upload.bin')
  const part = path.join(dir, `.${name}.${process.pid}.${Date.now()}.part`)
  const handle = await open(part, 'w')
  const hash = createHash('sha256')
  let bytes = 0
  let lines = ''
  let timer
  const flush = () => {
    timer = undefined
    res.write(lines)
    lines = ''
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
  const body =
    process.env.BODY === 'web'
      ? /** @type {AsyncIterable<Uint8Array>} */ (
          new Request('http://x/', /** @type {RequestInit} */ ({ method: 'PUT', body: /** @type {any} */ (req), duplex: 'half' })).body
        )
      : req
  try {
    for await (const chunk of body) {
      let written = 0
      while (written < chunk.byteLength) {
        written += (await handle.write(chunk, written, chunk.byteLength - written, bytes + written)).bytesWritten
      }
      hash.update(chunk)
      bytes += chunk.byteLength
      lines += `Received ${Math.round(bytes / 1024)} KB\n`
      timer ??= setTimeout(flush, 10)
    }
    clearTimeout(timer)
    if (lines) flush()
    await handle.sync()
    await handle.close()
    await rename(part, path.join(dir, name))
    const d = await open(dir, 'r')
    await d.sync()
    await d.close()
    res.end(`Upload complete: ${name}, ${bytes} bytes, sha256 ${hash.digest('hex')}\n`)
  } catch (error) {
    clearTimeout(timer)
    await handle.close().catch(() => {})
    res.end(`Upload failed: ${error}\n`)
  }
})

server.listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () =>
  console.log(`plain node:http upload server on ${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`),
)
