#!/usr/bin/env node
// Jobs store benchmark: seeding and exporting the export table on the SQLite store and on the
// Redis store, in one run, through the same code the app runs (`lib/jobs/*-store.ts`, loaded with
// ts-hooks.mjs). Redis is a private redis-server with the persistence Sluice documents
// (append-only file, appendfsync always); SQLite is a temp data directory.
//
//   npm run bench:jobs-store                  (ROWS=1000000 npm run bench:jobs-store for a long run)
//
// No target: it prints the figures, checks that both stores export the same bytes, and shows the
// process's RSS growth during each export (it must not grow with the row count: compare ROWS values).
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

await import('./ts-hooks.mjs')
const { createHash } = await import('node:crypto')
const { RedisJobsStore } = await import('@/lib/jobs/redis-store')
const { openRedis, redisSettings } = await import('@/lib/redis/connection')
const { SqliteJobsStore } = await import('@/lib/jobs/sqlite-store')
const { startRedis } = await import('../test/support/redis.ts')

const ROWS = Number(process.env.ROWS ?? 200_000)
const RUNS = 3
const MiB = 2 ** 20
const fmt = (n) => Math.round(n).toLocaleString('en')

const redis = await startRedis()
const context = await openRedis(redisSettings(redis.url, { prefix: 'bench:' })) // the app's connection
const client = context.commands
const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-jobs-'))
const stores = {
  sqlite: new SqliteJobsStore(dir),
  redis: new RedisJobsStore(async () => context),
}

/** Exports the whole table as CSV, hashing the bytes; returns the time, the hash and the RSS growth. */
async function exportOnce(store) {
  globalThis.gc?.()
  const startRss = process.memoryUsage.rss()
  const started = performance.now()
  const snapshot = await store.openExport()
  const hash = createHash('sha256')
  let bytes = 0
  let peakRss = startRss
  let chunks = 0
  try {
    for await (const chunk of snapshot.chunks('csv')) {
      hash.update(chunk)
      bytes += chunk.byteLength
      if (++chunks % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss())
    }
  } finally {
    snapshot.close()
  }
  return { ms: performance.now() - started, hash: hash.digest('hex'), bytes, growth: peakRss - startRss }
}

try {
  /** @type {Record<'sqlite' | 'redis', { seed: number[], export: Array<Awaited<ReturnType<typeof exportOnce>>> }>} */
  const results = { sqlite: { seed: [], export: [] }, redis: { seed: [], export: [] } }
  for (let run = 0; run < RUNS; run++) {
    for (const name of ['sqlite', 'redis']) {
      const { ms } = await stores[name].seedExportRows(ROWS)
      results[name].seed.push(ms)
      results[name].export.push(await exportOnce(stores[name]))
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  console.log(`rows: ${fmt(ROWS)}, ${RUNS} runs interleaved (redis: appendonly yes, appendfsync always)`)
  for (const name of ['sqlite', 'redis']) {
    const { seed, export: exports } = results[name]
    const seedMs = median(seed)
    const exportMs = median(exports.map((e) => e.ms))
    console.log(
      `${name.padEnd(6)} seed: ${fmt(seedMs)} ms (${fmt((ROWS / seedMs) * 1000)} rows/s)   ` +
        `export CSV: ${fmt(exportMs)} ms (${fmt((ROWS / exportMs) * 1000)} rows/s, ${(exports[0].bytes / MiB).toFixed(1)} MiB)   ` +
        `RSS growth while exporting (max): ${(Math.max(...exports.map((e) => e.growth)) / MiB).toFixed(1)} MiB`,
    )
  }
  const hashes = new Set([...results.sqlite.export, ...results.redis.export].map((e) => e.hash))
  console.log(hashes.size === 1 ? 'same CSV bytes from both stores in every run' : 'DIFFERENT CSV bytes between the stores')
  const info = await client.info('memory')
  console.log(
    `redis used_memory after the runs (one generation of ${fmt(ROWS)} rows kept, replaced ones expiring): ${/used_memory_human:(\S+)/.exec(info)?.[1]}`,
  )
  if (hashes.size !== 1) process.exitCode = 1
} finally {
  stores.sqlite.close()
  await context.close()
  await redis.stop()
  await rm(dir, { recursive: true, force: true })
}
