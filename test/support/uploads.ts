import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import { cookieHeader, rememberCookies } from './visitor.ts'
import type { Readable, Writable } from 'node:stream'
import { deferred } from '@/lib/async'

/** Random bytes and their SHA-256, to upload. */
export function randomFile(size: number): { data: Uint8Array<ArrayBuffer>; sha256: string } {
  const data = new Uint8Array(randomBytes(size))
  return { data, sha256: createHash('sha256').update(data).digest('hex') }
}

/** True when two byte sequences are identical. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0
}

/** Writes `data` to `stream`, waiting for each chunk to be taken (so "bytes sent" is honest). */
export async function writeChunks(stream: Writable, data: Uint8Array, chunkSize = 64 * 1024): Promise<void> {
  for (let i = 0; i < data.byteLength; i += chunkSize) {
    const chunk = data.subarray(i, i + chunkSize)
    await new Promise<void>((resolve, reject) => stream.write(chunk, (error) => (error ? reject(error) : resolve())))
  }
}

/**
 * Collects the lines a readable emits and lets a test wait for the first line matching a pattern.
 * `wait` resolves as soon as such a line has arrived (now or later).
 */
export function lineCollector(source: Readable) {
  const lines: string[] = []
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = []
  const ended = deferred<string[]>()
  let rest = ''
  source.setEncoding('utf8')
  source.on('data', (text: string) => {
    rest += text
    let nl: number
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl)
      rest = rest.slice(nl + 1)
      lines.push(line)
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(line)
        }
      }
    }
  })
  source.on('end', () => ended.resolve(lines))
  source.on('error', (error) => ended.reject(error))
  return {
    lines,
    ended: ended.promise,
    wait(pattern: RegExp): Promise<string> {
      const found = lines.find((l) => pattern.test(l))
      if (found !== undefined) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve })
        ended.promise.then(() => reject(new Error(`The stream ended without a line matching ${pattern}:\n${lines.join('\n')}`)), reject)
      })
    },
  }
}

/** A `PUT` through `node:http`, whose body the test writes when it chooses. */
export function openPut(url: string, headers: Record<string, string | number>) {
  const cookie = cookieHeader(url) // the test file's visitor, as its fetch has it
  const request = http.request(url, { method: 'PUT', headers: cookie === undefined ? headers : { cookie, ...headers } })
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', (res) => {
      rememberCookies(url, res.headers['set-cookie'] ?? [])
      resolve(res)
    })
    request.once('error', reject)
  })
  return { request, response }
}
