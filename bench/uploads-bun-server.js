// Document 000's Bun upload server, verbatim except for what the benchmark must set: the port, the
// host (127.0.0.1), the upload directory, and maxRequestBodySize (Bun's default of 128 MiB would
// refuse a 1 GiB upload). It writes each chunk with Bun's file writer and enqueues a progress line
// per chunk; it does not hash, does not fsync, and writes straight to the final name.
import { mkdir } from 'fs/promises'
import { join } from 'path'

const dir = process.env.UPLOAD_DIR ?? 'uploads'
await mkdir(dir, { recursive: true })

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: '127.0.0.1',
  maxRequestBodySize: 4 * 1024 ** 3,

  async fetch(req) {
    if (!req.body) {
      return new Response('No body', { status: 400 })
    }

    const filePath = join(dir, `upload-${Date.now()}.bin`)
    const file = Bun.file(filePath)

    const reader = req.body.getReader()
    const writer = file.writer()

    let bytes = 0

    const responseStream = new ReadableStream({
      async start(controller) {
        try {
          while (true) {
            const { value, done } = await reader.read()
            if (done) break

            bytes += value.byteLength
            await writer.write(value)
            controller.enqueue(`Received ${Math.round(bytes / 1024)} KB\n`)
          }

          controller.enqueue('Upload complete\n')
          // eslint-disable-next-line @typescript-eslint/no-unused-vars -- verbatim from document 000
        } catch (err) {
          controller.enqueue('Upload failed\n')
        } finally {
          await writer.end()
          controller.close()
        }
      },
    })

    return new Response(responseStream, {
      headers: {
        'Content-Type': 'text/plain',
        'Transfer-Encoding': 'chunked',
      },
    })
  },
})

console.log(`Server running on http://localhost:${server.port}`)
