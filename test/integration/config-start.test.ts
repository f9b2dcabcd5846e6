import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort } from '@/test/support/server'

/**
 * A bad configuration stops `next start`: it exits non-zero, says which variable is wrong, and
 * never serves a request (today's `startServer()` would wait for a health check that never passes).
 */
async function startWith(env: Record<string, string>) {
  const port = await freePort()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-config-'))
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, NODE_ENV: 'production', SLUICE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  // Ask for the health route until the process is gone: it must never answer.
  const answers: number[] = []
  let running = true
  void exited.then(() => (running = false))
  const deadline = Date.now() + 30_000
  while (running && Date.now() < deadline) {
    try {
      answers.push((await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2_000) })).status)
    } catch {
      // not listening (or gone): the answer we want
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const timedOut = running
  if (timedOut) child.kill('SIGKILL')
  const code = await exited
  await rm(dataDir, { recursive: true, force: true })
  return { code, output, answers, timedOut }
}

describe('a bad configuration', () => {
  it.each([
    ['SLUICE_JOBS_TOKEN', 'short'],
    ['REDIS_URL', 'nope'],
  ])('%s=%s stops the server with a message naming it', async (name, value) => {
    const { code, output, answers, timedOut } = await startWith({ [name]: value })
    expect(timedOut, `still running after 30 s:\n${output}`).toBe(false)
    expect(code, output).not.toBe(0)
    expect(code).not.toBe(null)
    expect(output).toContain(name)
    expect(output).toMatch(/cannot start/)
    expect(answers, 'it answered requests').toEqual([])
  })
})
