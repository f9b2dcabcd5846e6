#!/usr/bin/env node
/**
 * Chat benchmark: time to first token (TTFT) that Sluice adds on top of the model's own TTFT,
 * and the time from a reload to the first resumed token. Prints figures; asserts nothing.
 *
 *   npm run build && npm run bench:chat            # N=200 by default; BENCH_N=50 for a quick run
 *
 * - offline: the built-in model at 1 ms per token. Its own TTFT is measured in this process
 *   (`doStream` → first delta, the same code the server runs, loaded with `ts-hooks.mjs`);
 *   Sluice's cost is what the client measures through `POST /api/chat` minus that.
 *   (At 0 ms per token a whole answer is produced in one turn of the event loop and arrives in
 *   one piece, which measures the answer's length, not the time to first token.)
 * - local OpenAI-compatible server: the same request sent straight to the server (its own TTFT)
 *   and through Sluice's chat (`@ai-sdk/openai` + Sluice) and proxy; the difference is Sluice's.
 * - resume: a generation at the default pace; after a few tokens a second client asks
 *   `GET /api/chat/:id/stream` (what a reloaded page does) and we time its first token; then the
 *   same in Chromium: open `/chat/<id>` mid-answer and time, from navigation start, the first
 *   answer text on screen (page load, hydration, reattach and replay included).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { startOpenAiServer } from '../test/support/openai-server.ts'
import { startServer } from '../test/support/server.ts'

await import('./ts-hooks.mjs')
const { OfflineLanguageModel } = await import('@/lib/ai/offline/model')

const N = Number(process.env.BENCH_N ?? 200)
const OFFLINE_TOKEN_MS = 1
const WARMUP = Math.min(20, N)

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b)
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), n: s.length }
}
const fmt = (ms) => `${ms.toFixed(2)} ms`
/** A response's body (a fetch response to a request that has one). @param {Response} res */
const bodyOf = (res) => /** @type {ReadableStream<any>} */ (res.body)

/** Reads an SSE response until `isFirst(data)` matches; returns ms since `t0`, then drains the rest. */
async function firstEvent(response, t0, isFirst) {
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  let at
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    let end
    while (at === undefined && (end = buffer.indexOf('\n\n')) !== -1) {
      const event = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n')
      if (data && isFirst(data)) at = performance.now() - t0
    }
  }
  if (at === undefined) throw new Error('the stream ended without a first token')
  return at
}

const uiToken = (data) => data.startsWith('{') && /"type":"(?:text|reasoning)-delta"/.test(data)
const openAiToken = (data) => data.startsWith('{') && /"delta":\{[^}]*"content":"[^"]/.test(data)

let chatNo = 0
function chatRequest(base, text) {
  const id = `bench-${process.pid}-${++chatNo}`
  return {
    id,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, trigger: 'submit-message', message: { id: `u${chatNo}`, role: 'user', parts: [{ type: 'text', text }] } }),
    },
    url: `${base}/api/chat`,
  }
}

function report(label, samples) {
  const s = stats(samples)
  console.log(`  ${label.padEnd(44)} p50 ${fmt(s.p50).padStart(10)}   p99 ${fmt(s.p99).padStart(10)}   (n=${s.n})`)
  return s
}

/**
 * Runs the scenarios interleaved — one request of each per round — so that load from other
 * processes on the machine falls on all of them alike and their differences stay meaningful.
 */
async function measure(scenarios) {
  for (let i = 0; i < WARMUP; i++) for (const [, once] of scenarios) await once()
  const samples = scenarios.map(() => [])
  for (let i = 0; i < N; i++) for (const [k, [, once]] of scenarios.entries()) samples[k].push(await once())
  return scenarios.map(([label], k) => report(label, samples[k]))
}

async function main() {
  const upstream = await startOpenAiServer()
  const offline = await startServer({ env: { SLUICE_OFFLINE_TOKEN_MS: String(OFFLINE_TOKEN_MS) } })
  const paced = await startServer({})
  const viaOpenAi = await startServer({
    env: {
      OPENAI_API_KEY: upstream.apiKey,
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      SLUICE_MODEL: 'bench-model',
      SLUICE_MODEL_MAX_RETRIES: '0',
    },
  })
  try {
    console.log(`Sluice chat benchmark — node ${process.version}, N=${N} rounds after ${WARMUP} warm-up rounds, scenarios interleaved\n`)
    console.log('Time to first token (first text or reasoning delta), client-side')

    const body = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'Say hello' }] })
    const [floor, offModel, off, direct, chat, proxy] = await measure([
      [
        'HTTP floor: GET /api/health (no streaming)',
        async () => {
          const t0 = performance.now()
          await (await fetch(`${offline.baseUrl}/api/health`)).text()
          return performance.now() - t0
        },
      ],
      [
        `offline model itself (${OFFLINE_TOKEN_MS} ms/token, in process)`,
        async () => {
          const model = new OfflineLanguageModel({ tokenMs: OFFLINE_TOKEN_MS })
          const t0 = performance.now()
          const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }] })
          const reader = stream.getReader()
          for (;;) {
            const { value, done } = await reader.read()
            if (done) throw new Error('the offline model ended without a token')
            if (value.type === 'reasoning-delta' || value.type === 'text-delta') break
          }
          const at = performance.now() - t0
          await reader.cancel()
          return at
        },
      ],
      [
        `offline model via Sluice: POST /api/chat`,
        async () => {
          const r = chatRequest(offline.baseUrl, 'hello')
          const t0 = performance.now()
          return firstEvent(await fetch(r.url, r.init), t0, uiToken)
        },
      ],
      [
        'local server itself: /v1/chat/completions',
        async () => {
          const t0 = performance.now()
          const res = await fetch(`${upstream.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${upstream.apiKey}` },
            body,
          })
          return firstEvent(res, t0, openAiToken)
        },
      ],
      [
        'local server via Sluice chat (@ai-sdk/openai)',
        async () => {
          const r = chatRequest(viaOpenAi.baseUrl, 'Say hello')
          const t0 = performance.now()
          return firstEvent(await fetch(r.url, r.init), t0, uiToken)
        },
      ],
      [
        'local server via Sluice proxy',
        async () => {
          const t0 = performance.now()
          const res = await fetch(`${viaOpenAi.baseUrl}/api/proxy/openai`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          })
          return firstEvent(res, t0, openAiToken)
        },
      ],
    ])

    console.log('\nTTFT added by Sluice (through Sluice − model itself; p99 of the difference of the two distributions)')
    console.log(`  offline chat           p50 ${fmt(off.p50 - offModel.p50)}   p99 ${fmt(off.p99 - offModel.p99)}`)
    console.log(`  local server, chat     p50 ${fmt(chat.p50 - direct.p50)}   p99 ${fmt(chat.p99 - direct.p99)}`)
    console.log(`  local server, proxy    p50 ${fmt(proxy.p50 - direct.p50)}   p99 ${fmt(proxy.p99 - direct.p99)}`)
    console.log(`  (for scale: an HTTP round trip to Next itself, p50 ${fmt(floor.p50)})`)
    const resultsDir = process.env.BENCH_RESULTS_DIR ?? new URL('./results', import.meta.url).pathname
    await mkdir(resultsDir, { recursive: true })
    await writeFile(
      `${resultsDir}/chat-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
      JSON.stringify(
        { n: N, floor, offModel, off, direct, chat, proxy, addedOfflineP50: off.p50 - offModel.p50, loadavg: loadavg() },
        null,
        2,
      ),
    )

    await resumeBench(paced.baseUrl)
    await reloadBench(paced.baseUrl)
  } finally {
    await Promise.all([offline.stop(), paced.stop(), viaOpenAi.stop()])
    await upstream.close()
  }
}

/** Reload → first resumed token, through `GET /api/chat/:id/stream`, while the answer is being written. */
async function resumeBench(base) {
  const probe = await fetch(`${base}/api/chat/none/stream`)
  if (probe.status === 404 && (await probe.text()).includes('not_found:route')) {
    console.log('\nResume: GET /api/chat/:id/stream is not available in this build; skipped')
    return
  }
  console.log('\nResume after reload (answer at the default 30 ms/token, reattached after 5 tokens)')
  const samples = []
  const runs = Math.max(Math.min(10, N), Math.round(N / 10))
  for (let i = 0; i < runs; i++) {
    const r = chatRequest(base, 'Tell me a long story about streams')
    const res = await fetch(r.url, r.init)
    const reader = bodyOf(res).pipeThrough(new TextDecoderStream()).getReader()
    let tokens = 0
    while (tokens < 5) {
      const { value, done } = await reader.read()
      if (done) throw new Error('the answer ended before 5 tokens')
      tokens += (value.match(/"type":"text-delta"/g) ?? []).length
    }
    const t0 = performance.now()
    samples.push(await firstEvent(await fetch(`${base}/api/chat/${r.id}/stream`), t0, uiToken))
    await reader.cancel()
    await fetch(`${base}/api/chat/${r.id}/stop`, { method: 'POST' })
  }
  report('GET /api/chat/:id/stream → first token', samples)
}

/** Opens a chat mid-answer in Chromium and times the first answer text on screen from navigation start. */
async function reloadBench(base) {
  const { chromium } = await import('@playwright/test')
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' })
  try {
    const page = await browser.newPage()
    // Records when answer text first appears, relative to the navigation start (performance.now()).
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const text = document.querySelector('[data-testid="message-assistant"] [data-testid="part-text"]')
        if (text && text.textContent) {
          ;/** @type {any} */ (window).__firstToken = performance.now()
          observer.disconnect()
        }
      }).observe(document, { subtree: true, childList: true, characterData: true })
    })
    const samples = []
    const runs = Math.max(Math.min(10, N), Math.round(N / 20))
    for (let i = 0; i < runs + 2; i++) {
      const r = chatRequest(base, 'Tell me a long story about reloads')
      const res = await fetch(r.url, r.init)
      const reader = bodyOf(res).pipeThrough(new TextDecoderStream()).getReader()
      let tokens = 0
      while (tokens < 5) {
        const { value, done } = await reader.read()
        if (done) throw new Error('the answer ended before 5 tokens')
        tokens += (value.match(/"type":"text-delta"/g) ?? []).length
      }
      await page.goto(`${base}/chat/${r.id}`)
      const at = await page.waitForFunction(() => /** @type {any} */ (window).__firstToken, undefined, { polling: 'raf' })
      if (i >= 2) samples.push(await at.jsonValue()) // the first two warm the page up
      await fetch(`${base}/api/chat/${r.id}/stop`, { method: 'POST' })
      await reader.cancel()
    }
    report('Chromium: open /chat/<id> → first token shown', samples)
  } finally {
    await browser.close()
  }
}

await main()
