import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * A smoke run of every benchmark (`npm run bench:*`, the documented commands) at a tiny size, so
 * that they cannot rot: each must finish with exit code 0 and print its figures. The figures
 * themselves are not checked (a busy machine makes them anything); what is checked is what each
 * benchmark verifies about itself (same bytes, no failed target). Skipped here: the Bun baseline
 * of `bench:uploads`, which needs a download (`--no-bun`).
 */
/** Each run's limit: a few seconds on a quiet machine, much more on a loaded 2-core one. */
const TIMEOUT = 180_000

let resultsDir: string

beforeAll(async () => {
  resultsDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-smoke-'))
})
afterAll(async () => {
  await rm(resultsDir, { recursive: true, force: true })
})

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs `npm run <script> -- <args>` with `env`; kills its process group if it outlives `ms`. */
function bench(script: string, env: Record<string, string>, args: string[] = [], ms = TIMEOUT - 10_000): Promise<Run> {
  const child = spawn('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
    env: { ...process.env, BENCH_RESULTS_DIR: resultsDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the servers it starts go with it on a timeout
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n[smoke test] ${script} still running after ${ms / 1000} s: killed`
      process.kill(-child.pid!, 'SIGKILL')
    }, ms)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** The run ended well; on failure the message carries the benchmark's own output. */
function expectSuccess(run: Run): string {
  const output = `${run.stdout}\n--- stderr ---\n${run.stderr}`
  expect(run.code, output).toBe(0)
  return run.stdout
}

// The durable benchmarks' sizes (bench/durable-client.mjs), tiny.
const TINY_DURABLE = {
  BENCH_SEQUENTIAL: '20',
  BENCH_CONCURRENT: '32',
  BENCH_CATCHUP_MB: '1',
  BENCH_BIG_MB: '2',
  BENCH_LATENCY_SECONDS: '1',
  BENCH_RATE: '20',
  BENCH_ROUNDS: '1',
  BENCH_PRODUCER_ITEMS: '200',
}

describe('benchmarks at a tiny size', () => {
  it(
    'bench:foundation (BENCH_SCALE=0.01)',
    async () => {
      const out = expectSuccess(await bench('bench:foundation', { BENCH_SCALE: '0.01' }))
      expect(out).toMatch(/feed RSS, 10 clients \(MB\)/)
    },
    TIMEOUT,
  )

  it(
    'bench:live (20 readers per case, held 2 s, one round)',
    async () => {
      const out = expectSuccess(await bench('bench:live', { BENCH_LIVE_READERS: '20', BENCH_LIVE_HOLD_MS: '2000', BENCH_ROUNDS: '1' }))
      for (const label of [
        'feed, Pages API',
        'feed, App Router',
        'feed, plain node:http',
        'durable live=sse, Pages API',
        'durable live=sse, App Router',
      ]) {
        expect(out).toMatch(new RegExp(`^\\| ${label} +\\| -?[\\d.]+ +\\|`, 'm'))
      }
      expect(out).toContain('every reader got every event exactly once')
    },
    TIMEOUT,
  )

  it(
    'bench:durable (Sluice at the public URL, its App Router twin, and the reference server)',
    async () => {
      const out = expectSuccess(await bench('bench:durable', { ...TINY_DURABLE, BENCH_TARGETS: 'sluice,reference,sluice-app-router' }))
      expect(out).toMatch(/^\| sluice \|/m)
      expect(out).toMatch(/^\| sluice-app-router \|/m)
      expect(out).toMatch(/^\| reference \|/m)
      expect((await readdir(resultsDir)).some((f) => f.startsWith('durable-'))).toBe(true)
    },
    TIMEOUT,
  )

  it(
    'bench:scale-out (embedded and Redis)',
    async () => {
      const out = expectSuccess(await bench('bench:scale-out', { ...TINY_DURABLE, BENCH_TARGETS: 'embedded,redis' }))
      expect(out).not.toContain('| failed:')
      expect(out).toMatch(/^\| embedded, 1 instance \|/m)
      expect(out).toMatch(/^\| Redis \(AOF always\), 2 instances: write A, read B \|/m)
    },
    TIMEOUT,
  )

  it(
    'bench:export (ROWS=2000)',
    async () => {
      const out = expectSuccess(await bench('bench:export', { ROWS: '2000' }))
      expect(out).toContain('row counts and bytes checked')
    },
    TIMEOUT,
  )

  it(
    'bench:jobs-store (ROWS=500)',
    async () => {
      const out = expectSuccess(await bench('bench:jobs-store', { ROWS: '500' }))
      expect(out).toContain('same CSV bytes from both stores in every run')
    },
    TIMEOUT,
  )

  it(
    'bench:csv (ROWS=2000, RUNS=1)',
    async () => {
      const out = expectSuccess(await bench('bench:csv', { ROWS: '2000', RUNS: '1' }))
      expect(out).toContain('same records and bytes from every contestant')
      expect(out).toMatch(/^ +csv-parse \(stream\) +[\d,]+ ms/m)
      expect(out).toMatch(/^ +csv-stringify \(sync, per batch\) +[\d,]+ ms/m)
    },
    TIMEOUT,
  )

  it(
    'bench:uploads (1 MiB, one run, without the Bun baseline: it needs a download)',
    async () => {
      const out = expectSuccess(await bench('bench:uploads', {}, ['--size-mib=1', '--runs=1', '--no-bun']))
      expect(out).toContain('Sluice / node:http (median)')
      expect(out).toContain('Sluice, Pages API / Sluice (App Router) (median)')
    },
    TIMEOUT,
  )

  it(
    'bench (the one table), tiny, three of its benchmarks',
    async () => {
      const out = expectSuccess(await bench('bench', { BENCH_SMALL: '1', BENCH_ONLY: 'uploads,export,csv' }))
      expect(out).toMatch(/^\| path +\| Sluice +\| baseline \(same run\) +\| ratio +\| target +\| load average/m)
      expect(out).toMatch(/^\| upload 1 GiB, public URL = Pages API route \(MB\/s, median\) +\| \d+/m)
      expect(out).toMatch(/^\| upload 1 GiB, App Router twin \(MB\/s, median\) +\| \d+/m)
      expect(out).toMatch(/^\| CSV export, 20000 rows \(rows\/s, median\) +\| \d+/m)
      expect(out).toMatch(/^\| CSV import parse, hand-written vs csv-parse \(rows\/s, median\) +\| \d+/m)
      expect(out).not.toContain('FAILED')
    },
    TIMEOUT,
  )

  it(
    'bench:chat (BENCH_N=3)',
    async () => {
      const out = expectSuccess(await bench('bench:chat', { BENCH_N: '3' }))
      expect(out).toContain('TTFT added by Sluice')
      // Every timed request's stages were printed by the server (SLUICE_CHAT_TIMING=1) and joined.
      expect(out).toMatch(/Stages of POST \/api\/chat \(server with SLUICE_CHAT_TIMING=1, 3 requests, 3 with marks\)/)
      expect(out).toContain('Resume after reload')
    },
    TIMEOUT,
  )
})
