/**
 * The export benchmark's like-for-like baseline: the CSV export served by plain `node:http`, with
 * the same code from `lib/` as Sluice's route (`exportChunks`: the same read-only snapshot query,
 * the same ~64 KiB chunk writer), read by the same client. It leaves out only what Next.js and web
 * streams add: the chunks go straight from the generator to the `ServerResponse`, waiting for
 * `drain` when the socket is full (still pull-based).
 *
 * Run: `SLUICE_DATA_DIR=<dir> node bench/export-plain-server.mjs` (PORT, default 0 = a free port;
 * prints `listening <port>`). `GET /export?limit=<rows>` answers the CSV with `X-Total-Rows`.
 */
import { once } from 'node:events'
import http from 'node:http'
import { DatabaseSync } from 'node:sqlite'

await import('./ts-hooks.mjs')
const { jobsDbPath } = await import('@/lib/jobs/jobs-database')
const { exportChunks } = await import('@/lib/jobs/sqlite-store')

const dataDir = process.env.SLUICE_DATA_DIR
if (!dataDir) throw new Error('SLUICE_DATA_DIR is not set')

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/health') return res.end(JSON.stringify({ pid: process.pid }))
  const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : undefined
  // As the route's store: a read-only connection of its own, the count and the rows in one snapshot.
  const reader = new DatabaseSync(jobsDbPath(dataDir), { readOnly: true })
  const closed = new AbortController()
  res.once('close', () => closed.abort())
  try {
    reader.exec('BEGIN')
    const { n } = /** @type {{ n: number }} */ (reader.prepare('SELECT count(*) AS n FROM export_rows').get())
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'X-Total-Rows': String(limit === undefined ? n : Math.min(n, limit)),
    })
    for (const chunk of exportChunks(reader, 'csv', limit)) {
      if (closed.signal.aborted) break
      if (!res.write(chunk)) await once(res, 'drain', { signal: closed.signal })
    }
    res.end()
  } catch (error) {
    if (!closed.signal.aborted) res.destroy(/** @type {Error} */ (error))
  } finally {
    reader.close()
  }
})
// Exit on SIGTERM (the benchmark's stop) through process.exit, so that `--cpu-prof` writes its profile.
process.once('SIGTERM', () => process.exit(0))
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  console.log(`listening ${address.port}`)
})
