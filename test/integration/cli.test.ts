import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type TestServer } from '../support/server'
import { waitFor } from '../support/wait'

/**
 * `sluice streams …` (bin/sluice.mjs) and the report worker, run as child processes against the
 * production build, which requires the streams token for writes to streams nobody owns.
 */
const STREAMS_TOKEN = 'cli-test-streams-token'
const OPERATOR_TOKEN = 'cli-test-operator-token-0123456789'
const cliPath = path.resolve('bin/sluice.mjs')

let server: TestServer
let dir: string
let unique = 0
const children = new Set<ChildProcessWithoutNullStreams>()
const newId = (name: string) => `cli${Date.now().toString(36)}${++unique}/${name}`
const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line-${String(from + i).padStart(4, '0')}\n`).join('')

beforeAll(async () => {
  server = await startServer({ env: { SLUICE_STREAMS_TOKEN: STREAMS_TOKEN, SLUICE_OPERATOR_TOKEN: OPERATOR_TOKEN } })
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-cli-'))
})
afterEach(() => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
})
afterAll(async () => {
  await server?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

interface Run {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  exit: Promise<number | null>
}

/** Starts `node <script> <args>` with the server's URL and a token (`token: null`: none) in the environment. */
function start(args: string[], { token = STREAMS_TOKEN as string | null, url = server.baseUrl, script = cliPath } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_URL: url, SLUICE_TOKEN: token ?? '' }
  const child = spawn(process.execPath, [script, ...(script === cliPath ? ['streams'] : []), ...args], { env })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  child.stdin.on('error', () => {}) // a killed child's stdin
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, exit }
}

/** Runs the CLI to the end with `input` on stdin. */
async function run(args: string[], options: Parameters<typeof start>[1] & { input?: string } = {}) {
  const r = start(args, options)
  r.child.stdin.end(options.input ?? '')
  const code = await r.exit
  return { code, stdout: r.stdout(), stderr: r.stderr() }
}

const streamUrl = (id: string) => `${server.baseUrl}/v1/stream/${id}`
const content = async (id: string) => (await fetch(streamUrl(id))).text()
const append = (id: string, body: string) =>
  fetch(streamUrl(id), { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${STREAMS_TOKEN}` }, body }).then(
    (r) => expect(r.status).toBe(204),
  )

describe('sluice streams', () => {
  test('create, write, close, ls, download, rm: a round trip', async () => {
    const id = newId('round-trip')
    const namespace = id.split('/')[0]!
    const created = await run(['create', id])
    expect(created).toMatchObject({ code: 0, stdout: `${streamUrl(id)}\n` })
    expect(await run(['write', id], { input: 'alpha\nbeta\n' })).toMatchObject({ code: 0 })
    expect(await run(['close', id])).toMatchObject({ code: 0 })
    expect((await fetch(streamUrl(id), { method: 'HEAD' })).headers.get('stream-closed')).toBe('true')

    // The list holds the caller's own streams: a script with the streams token owns none; the operator sees all.
    const asOperator = await run(['ls', '--namespace', namespace], { token: OPERATOR_TOKEN })
    expect(asOperator.code).toBe(0)
    expect(asOperator.stdout).toMatch(new RegExp(`^${id} +11 +closed +text/plain`, 'm'))
    const json = JSON.parse((await run(['ls', '--namespace', namespace, '--json'], { token: OPERATOR_TOKEN })).stdout)
    expect(json.streams.map((s: { id: string }) => s.id)).toEqual([id])
    const asWriter = await run(['ls', '--namespace', namespace])
    expect(asWriter).toMatchObject({ code: 0, stdout: '' })
    expect(asWriter.stderr).toContain('operator token')

    expect(await run(['download', id])).toMatchObject({ code: 0, stdout: 'alpha\nbeta\n' })
    const file = path.join(dir, 'round-trip.txt')
    expect((await run(['download', id, '-o', file])).code).toBe(0)
    expect(await readFile(file, 'utf8')).toBe('alpha\nbeta\n')

    expect(await run(['rm', id])).toMatchObject({ code: 0 })
    const gone = await run(['download', id])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('404 not_found:stream')
  })

  test('write streams stdin: the first line is on the server while the writer waits for the next', async () => {
    const id = newId('live')
    expect((await run(['create', id])).code).toBe(0)
    const writer = start(['write', id])
    for (let n = 1; n <= 3; n++) {
      writer.child.stdin.write(lines(n, n))
      // Each line is readable while the writer still runs and before the next line exists.
      await waitFor(`line ${n} on the server`, async () => (await content(id)) === lines(1, n))
      expect(writer.child.exitCode).toBeNull()
    }
    writer.child.stdin.end(lines(4, 5))
    expect(await writer.exit).toBe(0)
    expect(await content(id)).toBe(lines(1, 5))
    expect((await fetch(streamUrl(id), { method: 'HEAD' })).headers.get('stream-closed')).toBeNull()
  })

  test('write killed mid-stream: a second run with the checkpoint stores every line exactly once', async () => {
    const id = newId('resume')
    const checkpoint = path.join(dir, 'resume.ckpt')
    expect((await run(['create', id])).code).toBe(0)

    // A proxy that relays appends and their acknowledgements, until one (the third) is stored by
    // the server: then the writer is SIGKILLed before it hears back — the hardest moment.
    let acknowledged = ''
    let unacknowledged = ''
    let writer: Run | undefined
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        const upstream = http.request(`${server.baseUrl}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
          const kill = req.method === 'POST' && req.headers['producer-seq'] === '2' && up.statusCode === 200
          if (kill) {
            unacknowledged += body.toString()
            writer!.child.kill('SIGKILL')
            up.resume()
            res.destroy()
            return
          }
          if (req.method === 'POST' && up.statusCode === 200) acknowledged += body.toString()
          res.writeHead(up.statusCode!, up.headers)
          up.pipe(res)
        })
        upstream.end(body)
      })
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    let fed = 0
    try {
      writer = start(['write', id, '--checkpoint', checkpoint], { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` })
      while (writer.child.exitCode === null && writer.child.signalCode === null && fed < 200) {
        writer.child.stdin.write(lines(++fed, fed))
        await new Promise((r) => setTimeout(r, 60)) // longer than the 50 ms batching: one append per line or so
      }
      await writer.exit
    } finally {
      proxy.close()
    }
    expect(writer.child.signalCode).toBe('SIGKILL')
    expect(unacknowledged).not.toBe('')
    // The server has the acknowledged lines and the append whose acknowledgement was lost.
    expect(await content(id)).toBe(acknowledged + unacknowledged)

    // Resume: the same command, the same input from its start, and more.
    const total = fed + 20
    const second = await run(['write', id, '--checkpoint', checkpoint, '--close'], { input: lines(1, total) })
    expect(second.code, second.stderr).toBe(0)
    expect(await content(id)).toBe(lines(1, total))
  })

  test('tail --offset-file killed and restarted: no gap, nothing twice', async () => {
    const id = newId('tail')
    const offsetFile = path.join(dir, 'tail.offset')
    expect((await run(['create', id])).code).toBe(0)
    await append(id, 'a1\n')
    const first = start(['tail', id, '--offset-file', offsetFile])
    await waitFor('a1', () => first.stdout() === 'a1\n')
    await append(id, 'a2\n') // live
    await waitFor('a2', () => first.stdout() === 'a1\na2\n')
    const tail = (await fetch(streamUrl(id), { method: 'HEAD' })).headers.get('stream-next-offset')
    await waitFor('the offset saved', async () => (await readFile(offsetFile, 'utf8').catch(() => '')).trim() === tail)
    first.child.kill('SIGKILL')
    await first.exit

    await append(id, 'b1\n') // while nobody follows
    const second = start(['tail', id, '--offset-file', offsetFile])
    await waitFor('b1', () => second.stdout().includes('b1\n'))
    await append(id, 'c1\n')
    expect((await run(['close', id])).code).toBe(0)
    expect(await second.exit).toBe(0)
    expect(first.stdout() + second.stdout()).toBe('a1\na2\nb1\nc1\n')
    expect(second.stdout()).toBe('b1\nc1\n')
  })

  test('a wrong or missing token: the server’s code and message, and a non-zero exit', async () => {
    const id = newId('token')
    for (const token of ['not-the-token', null]) {
      const refused = await run(['create', id], { token })
      expect(refused.code).toBe(1)
      expect(refused.stdout).toBe('')
      expect(refused.stderr).toContain(
        'refused by the server (401 unauthorized:token): This needs "Authorization: Bearer <SLUICE_STREAMS_TOKEN>"',
      )
      expect(refused.stderr).toContain('--token or SLUICE_TOKEN')
    }
    expect((await run(['create', id])).code).toBe(0)
    const write = await run(['write', id], { token: 'not-the-token', input: 'x\n' })
    expect(write.code).toBe(1)
    expect(write.stderr).toContain('401 unauthorized:token')
    expect(await content(id)).toBe('')
  })

  test('--help for each command; the report worker writes a closed CSV report', async () => {
    const help = await run(['write', '--help'])
    expect(help).toMatchObject({ code: 0 })
    expect(help.stdout).toContain('--checkpoint <file>')
    expect((await run(['nope'])).code).toBe(2)

    const report = await run(['--once', '--namespace', newId('reports').split('/')[0]!], {
      script: path.resolve('scripts/report-worker.mjs'),
    })
    expect(report.code, report.stderr).toBe(0)
    const url = report.stdout.trim()
    const csv = await (await fetch(url)).text()
    expect(csv).toMatch(/^taken_at,metric,value\n(.+,requests_served,\d+\n)/)
    expect((await fetch(url, { method: 'HEAD' })).headers.get('stream-closed')).toBe('true')
  })
})
