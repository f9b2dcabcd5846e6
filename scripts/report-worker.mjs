#!/usr/bin/env node
// A cron-style worker writing durable streams outside any request — document 002's "standalone
// usage" — with the same client as `sluice streams` (cli/streams-client.mjs, cli/stream-writer.mjs).
//
//   npm run report-worker -- --once                 one report, then exit
//   npm run report-worker -- --every 60s            one now and one every 60 s (Ctrl-C stops after a run)
//
// Each run reads the server's counters (GET /api/health), creates `reports/<UTC time>` (text/csv),
// writes the figures as CSV in batched appends, closes the stream and prints its URL. Server and
// token as for the CLI: --url / SLUICE_URL, --token / SLUICE_TOKEN (the streams token, when set).
import { parseArgs } from 'node:util'
import { connect, createStream, explain } from '../cli/streams-client.mjs'
import { writeStream } from '../cli/stream-writer.mjs'

const usage = `Usage: npm run report-worker -- (--once | --every <interval>) [--namespace reports] [--ttl <seconds>] [--url <url>] [--token <token>]
  --every <interval>   e.g. 30s, 5m, 1h (at least 1s); the first report is written at once
  --once               write one report and exit (exit code 1 if it failed)
  --namespace <ns>     the streams' namespace (default reports)
  --ttl <seconds>      delete each report this long after its last write (default: the server's, 30 days)`

function interval(text) {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text ?? '')
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2]] : NaN
  return ms >= 1000 ? ms : undefined
}

/** The report's rows, as CSV lines: made one at a time, as a longer report would be. */
async function* reportRows(health, at) {
  yield 'taken_at,metric,value\n'
  const figures = {
    requests_served: health.requestsServed,
    streams_opened: health.streamsOpened,
    streams_open_now: health.activeStreams,
    uptime_seconds: Math.round((Date.parse(at) - health.startedAt) / 1000),
    ...Object.fromEntries(Object.entries(health.activeByKind ?? {}).map(([kind, n]) => [`open_${kind}`, n])),
  }
  for (const [metric, value] of Object.entries(figures)) yield `${at},${metric},${value}\n`
}

/** One run: counters → a new stream → CSV in batches → closed. Returns the stream's URL. */
async function writeReport(conn, { namespace, ttl }) {
  const at = new Date().toISOString()
  const health = await (await conn.fetchRetrying(`${conn.baseUrl}/api/health`)).json()
  const id = `${namespace}/${at.replace(/[:.]/g, '-')}`
  await createStream(conn, id, { contentType: 'text/csv', ttlSeconds: ttl })
  const { url } = await writeStream(conn, id, reportRows(health, at), { close: true })
  return url
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        every: { type: 'string' },
        once: { type: 'boolean' },
        namespace: { type: 'string', default: 'reports' },
        ttl: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    console.error(`${error.message}\n${usage}`)
    process.exit(2)
  }
})()
if (values.help) {
  console.log(usage)
  process.exit(0)
}
const every = interval(values.every)
if (
  Boolean(values.once) === (values.every !== undefined) ||
  (values.every !== undefined && every === undefined) ||
  (values.ttl !== undefined && !/^\d+$/.test(values.ttl))
) {
  console.error(usage)
  process.exit(2)
}

const log = (line) => console.error(`report-worker: ${line}`)
const conn = connect({ url: values.url, token: values.token, log })
const options = { namespace: values.namespace, ttl: values.ttl === undefined ? undefined : Number(values.ttl) }

async function runOnce() {
  try {
    console.log(await writeReport(conn, options))
    return true
  } catch (error) {
    const [first, ...rest] = explain(error, conn.baseUrl)
    log(`report failed: ${first}${rest.map((line) => `\n  ${line}`).join('')}`)
    return false
  }
}

if (values.once) {
  process.exitCode = (await runOnce()) ? 0 : 1
} else {
  // A failed run is reported and the next one is tried on schedule, as cron would.
  let stopping = false
  let wake = () => {}
  const stop = () => {
    if (stopping) process.exit(130)
    stopping = true
    log('stopping after the current run')
    wake()
  }
  process.on('SIGINT', stop).on('SIGTERM', stop)
  for (let next = Date.now(); !stopping;) {
    await runOnce()
    next += /** @type {number} */ (every) // set: --every was checked above
    const wait = Math.max(0, next - Date.now())
    if (wait === 0) next = Date.now() // a run longer than the interval: go on from now, no burst
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, wait)
      wake = () => {
        clearTimeout(timer)
        resolve(undefined)
      }
    })
  }
}
