#!/usr/bin/env node
/**
 * Chat benchmark: time to first token (TTFT) that Sluice adds on top of the model's own TTFT,
 * where that time goes, and the time from a reload to the first resumed token. Prints figures;
 * asserts nothing.
 *
 *   npm run build && npm run bench:chat            # N=200 by default; BENCH_N=50 for a quick run
 *
 * Every request is raw `node:http` on a keep-alive connection (one per server, one visitor
 * cookie: a returning visitor), timed from the send to the first text or reasoning delta in the
 * body; the scenarios run interleaved — one request of each per round, after warm-up rounds — so
 * that load from other processes falls on all of them alike; figures are medians (p50) with p99.
 *
 * - offline: the built-in model at 1 ms per token. Its own TTFT is measured in this process
 *   (`doStream` → first delta, the same code the server runs, loaded with `ts-hooks.mjs`);
 *   Sluice's cost is what the client measures through `POST /api/chat` minus that.
 *   (At 0 ms per token a whole answer is produced in one turn of the event loop and arrives in
 *   one piece, which measures the answer's length, not the time to first token.)
 * - stages: a second server of the same build with `SLUICE_CHAT_TIMING=1` prints, per request,
 *   the moment it passed each stage (`lib/chat/timing.ts`); joined with the client's send and
 *   first-token times they give where the time goes: send → model call, model call → its first
 *   token (against the model alone), first token → client.
 * - BENCH_BASELINE=<another checkout, built>: its build runs as one more scenario in the same
 *   rounds (before/after figures from one interleaved run).
 * - local OpenAI-compatible server: the same request sent straight to the server (its own TTFT)
 *   and through Sluice's chat (`@ai-sdk/openai` + Sluice) and proxy; the difference is Sluice's.
 * - BENCH_CPU_PROFILE=<file.cpuprofile>: a CPU profile of the (untimed) offline server over the
 *   measured rounds, through the inspector; its top self-time functions are printed.
 * - resume: a generation at the default pace; after a few tokens a second client asks
 *   `GET /api/chat/:id/stream` (what a reloaded page does) and we time its first token; then the
 *   same in Chromium: open `/chat/<id>` mid-answer and time, from navigation start, the first
 *   answer text on screen (page load, hydration, reattach and replay included).
 */
import http from 'node:http'
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { startOpenAiServer } from '../test/support/openai-server.ts'
import { freePort, startServer } from '../test/support/server.ts'
import { attachInspector } from './inspector.mjs'

await import('./ts-hooks.mjs')
const { OfflineLanguageModel } = await import('@/lib/ai/offline/model')

const N = Number(process.env.BENCH_N ?? 200)
const OFFLINE_TOKEN_MS = 1
const WARMUP = Math.min(20, N)
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined
const PROFILE = process.env.BENCH_CPU_PROFILE
/** Every answer runs to its end before the next request, but its recording may overlap the next one: no caps in the way. */
const UNCAPPED = { SLUICE_RUNNING_PER_VISITOR: '1000', SLUICE_RUNNING_PER_INSTANCE: '1000' }

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b)
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), n: s.length }
}
const median = (values) => stats(values).p50
const fmt = (ms) => `${ms.toFixed(2)} ms`
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
/** Epoch ms with sub-ms precision: the clock the server's timing marks use. */
const epoch = () => performance.timeOrigin + performance.now()

const uiToken = /"type":"(?:text|reasoning)-delta"/
const openAiToken = /"delta":\{[^}]*"content":"[^"]/

/** A keep-alive connection to one server, carrying the visitor cookie it was given. */
function client() {
  return { agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), cookie: '' }
}

/** @typedef {{ method?: string, headers?: Record<string, string>, body?: string }} RequestOptions */

/**
 * One request on raw `node:http`, read to its end. Resolves with the epoch ms of the send and
 * the ms from the send to the first body text matching `first` (or to the end of the body, without one).
 */
/** @param {any} c @param {string} url @param {RequestOptions} options @param {RegExp} [first] @returns {Promise<{ sentAt: number, ms: number }>} */
function timedRequest(c, url, { method = 'GET', headers = {}, body } = {}, first) {
  return new Promise((resolve, reject) => {
    const all = { ...headers, ...(c.cookie ? { cookie: c.cookie } : {}) }
    if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body))
    const sentAt = epoch()
    const t0 = performance.now()
    const req = http.request(url, { method, agent: c.agent, headers: all }, (res) => {
      const set = res.headers['set-cookie']
      if (set) c.cookie = set.map((v) => v.split(';')[0]).join('; ')
      let text = ''
      let at
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        if (at !== undefined) return
        text += chunk
        if (first === undefined || first.test(text)) at = performance.now() - t0
      })
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${method} ${url}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`))
        if (at === undefined && first !== undefined) return reject(new Error(`${method} ${url}: the stream ended without a first token`))
        resolve({ sentAt, ms: at ?? performance.now() - t0 })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

let chatNo = 0
/** A new chat's id and the `POST /api/chat` body that asks `text` in it. */
function newChat(text) {
  const id = `bench-${process.pid}-${++chatNo}`
  const body = JSON.stringify({
    id,
    trigger: 'submit-message',
    message: { id: `u${chatNo}`, role: 'user', parts: [{ type: 'text', text }] },
  })
  return { id, body }
}

/** `POST /api/chat` with a new chat; resolves with the chat id, the send's epoch ms and the ms to the first token. */
async function askChat(c, base, text) {
  const { id, body } = newChat(text)
  const r = await timedRequest(c, `${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, uiToken)
  return { id, ...r }
}

function report(label, samples) {
  const s = stats(samples)
  console.log(`  ${label.padEnd(50)} p50 ${fmt(s.p50).padStart(10)}   p99 ${fmt(s.p99).padStart(10)}   (n=${s.n})`)
  return s
}

/**
 * Runs the scenarios interleaved — one request of each per round — so that load from other
 * processes on the machine falls on all of them alike and their differences stay meaningful.
 * `between` runs once between warm-up and the measured rounds (and `after` after them).
 */
/** @param {Array<[string, () => Promise<number>]>} scenarios @param {{ between?: () => Promise<void>, after?: () => Promise<void> }} [hooks] */
async function measure(scenarios, { between, after } = {}) {
  for (let i = 0; i < WARMUP; i++) for (const [, once] of scenarios) await once()
  await between?.()
  const samples = scenarios.map(() => /** @type {number[]} */ ([]))
  for (let i = 0; i < N; i++) for (const [k, [, once]] of scenarios.entries()) samples[k].push(await once())
  await after?.()
  return scenarios.map(([label], k) => report(label, samples[k]))
}

/** The `[sluice] chat-timing` lines a server printed, by chat id. */
function timingLines(output) {
  const byChat = new Map()
  for (const match of output.matchAll(/^\[sluice\] chat-timing (.+)$/gm)) {
    const { chatId, marks } = JSON.parse(match[1])
    byChat.set(chatId, marks)
  }
  return byChat
}

/**
 * The stage breakdown: for each timed request, its marks from the send (client) to the first
 * token (client), each stage the time since the mark before it in that request; medians per stage.
 */
/** @param {Array<{ id: string, sentAt: number, ms: number }>} requests @param {string} output @param {number} modelAlone */
function stages(requests, output, modelAlone) {
  const lines = timingLines(output)
  const perStage = new Map()
  const offsets = new Map()
  /** @type {{ beforeModel: number[], model: number[], afterModel: number[] }} */
  const split = { beforeModel: [], model: [], afterModel: [] }
  for (const r of requests) {
    const marks = lines.get(r.id)
    if (!marks) continue
    const at = Object.fromEntries(marks)
    const points = [['send', r.sentAt], ...marks, ['client-token', r.sentAt + r.ms]].sort((a, b) => a[1] - b[1])
    for (let i = 1; i < points.length; i++) {
      const [name, t] = points[i]
      const key = `${points[i - 1][0]} → ${name}`
      ;(perStage.get(key) ?? perStage.set(key, []).get(key)).push(t - points[i - 1][1])
      ;(offsets.get(name) ?? offsets.set(name, []).get(name)).push(t - r.sentAt)
    }
    if (at['model-call'] !== undefined && at['model-token'] !== undefined) {
      split.beforeModel.push(at['model-call'] - r.sentAt)
      split.model.push(at['model-token'] - at['model-call'])
      split.afterModel.push(r.sentAt + r.ms - at['model-token'])
    }
  }
  const rows = [...offsets.entries()].map(([name, v]) => ({ name, at: median(v), n: v.length })).sort((a, b) => a.at - b.at)
  const at = (name) => rows.find((row) => row.name === name)?.at ?? NaN
  console.log(
    `\nStages of POST /api/chat (server with SLUICE_CHAT_TIMING=1, ${requests.length} requests, ${split.model.length} with marks)`,
  )
  console.log('  mark                 p50 from the send')
  for (const row of rows) console.log(`  ${row.name.padEnd(20)} ${fmt(row.at).padStart(10)}`)
  console.log('  stage (time since the mark before it, in each request)      p50       share of requests')
  const stageRows = [...perStage.entries()]
    .map(([key, v]) => ({ key, p50: median(v), n: v.length }))
    .sort((a, b) => b.p50 * b.n - a.p50 * a.n)
  for (const row of stageRows)
    console.log(`  ${row.key.padEnd(56)} ${fmt(row.p50).padStart(10)}   ${((100 * row.n) / requests.length).toFixed(0)} %`)
  const parts = {
    beforeModel: stats(split.beforeModel),
    model: stats(split.model),
    afterModel: stats(split.afterModel),
  }
  console.log(
    `  p50 split: send → model call ${fmt(parts.beforeModel.p50)} (send → route entry ${fmt(at('entry'))} of it, Next.js and the wire), ` +
      `model call → its first token ${fmt(parts.model.p50)} (the model alone: ${fmt(modelAlone)}; the rest is set-up holding the thread), ` +
      `model's first token → client ${fmt(parts.afterModel.p50)}`,
  )
  return { marks: rows, stages: stageRows, split: parts }
}

/** Top self-time functions of a CPU profile, in ms. */
function profileSummary(profile, top = 25) {
  const self = new Map()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const dt = profile.timeDeltas
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])
    const f = node.callFrame
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|\.next)\//, '$1/')}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000)
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  console.log(`\nCPU profile of the offline server over the measured rounds: ${total.toFixed(0)} ms sampled; top self time`)
  for (const [key, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${key}`)
  }
}

async function main() {
  const upstream = await startOpenAiServer()
  const inspectPort = await freePort()
  const offlineEnv = { ...UNCAPPED, SLUICE_OFFLINE_TOKEN_MS: String(OFFLINE_TOKEN_MS) }
  const [offline, timed, base, paced, viaOpenAi] = await Promise.all([
    startServer({ env: { ...offlineEnv, ...(PROFILE ? { NODE_OPTIONS: `--inspect-port=127.0.0.1:${inspectPort}` } : {}) } }),
    startServer({ env: { ...offlineEnv, SLUICE_CHAT_TIMING: '1' } }),
    BASELINE ? startServer({ root: BASELINE, env: offlineEnv }) : undefined,
    startServer({ env: UNCAPPED }),
    startServer({
      env: {
        ...UNCAPPED,
        OPENAI_API_KEY: upstream.apiKey,
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        SLUICE_MODEL: 'bench-model',
        SLUICE_MODEL_MAX_RETRIES: '0',
      },
    }),
  ])
  const c = { offline: client(), timed: client(), base: client(), upstream: client(), viaOpenAi: client(), proxy: client() }
  try {
    console.log(
      `Sluice chat benchmark — node ${process.version}, N=${N} rounds after ${WARMUP} warm-up rounds, scenarios interleaved, load average ${load()}\n`,
    )
    console.log('Time to first token (first text or reasoning delta), client-side, raw node:http, keep-alive, from the send')

    const body = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'Say hello' }] })
    const timedRequests = []
    let profiler
    /** @type {Array<[string, () => Promise<number>]>} */
    const scenarios = [
      ['HTTP floor: GET /api/health (no streaming)', async () => (await timedRequest(c.offline, `${offline.baseUrl}/api/health`)).ms],
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
      ['offline model via Sluice: POST /api/chat', async () => (await askChat(c.offline, offline.baseUrl, 'hello')).ms],
      [
        'the same, SLUICE_CHAT_TIMING=1 (stages)',
        async () => {
          const r = await askChat(c.timed, timed.baseUrl, 'hello')
          timedRequests.push(r)
          return r.ms
        },
      ],
      ...(base
        ? [
            /** @type {[string, () => Promise<number>]} */ ([
              `baseline build (${path.basename(/** @type {string} */ (BASELINE))}): POST /api/chat`,
              async () => (await askChat(c.base, base.baseUrl, 'hello')).ms,
            ]),
          ]
        : []),
      [
        'local server itself: /v1/chat/completions',
        async () =>
          (
            await timedRequest(
              c.upstream,
              `${upstream.url}/v1/chat/completions`,
              { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${upstream.apiKey}` }, body },
              openAiToken,
            )
          ).ms,
      ],
      ['local server via Sluice chat (@ai-sdk/openai)', async () => (await askChat(c.viaOpenAi, viaOpenAi.baseUrl, 'Say hello')).ms],
      [
        'local server via Sluice proxy',
        async () =>
          (
            await timedRequest(
              c.proxy,
              `${viaOpenAi.baseUrl}/api/proxy/openai`,
              { method: 'POST', headers: { 'content-type': 'application/json' }, body },
              openAiToken,
            )
          ).ms,
      ],
    ]
    const results = await measure(scenarios, {
      between: async () => {
        timedRequests.length = 0
        if (!PROFILE) return
        const { pid } = await (await fetch(`${offline.baseUrl}/api/health`)).json()
        profiler = await attachInspector(pid, inspectPort)
        await profiler.startProfile()
      },
      after: async () => {
        if (!profiler) return
        const profile = await profiler.stopProfile()
        profiler.close()
        await writeFile(/** @type {string} */ (PROFILE), JSON.stringify(profile))
        profileSummary(profile)
        console.log(`  (the whole profile: ${PROFILE}, open it in Chrome DevTools → Performance)`)
      },
    })
    const by = Object.fromEntries(scenarios.map(([label], k) => [label, results[k]]))
    const [floor, offModel, off, offTimed] = results
    const baseRes = base ? results[4] : undefined
    const [direct, chat, proxy] = results.slice(-3)

    const breakdown = stages(timedRequests, timed.output(), offModel.p50)
    console.log('\nTTFT added by Sluice (through Sluice − model itself; p99 of the difference of the two distributions)')
    console.log(`  offline chat           p50 ${fmt(off.p50 - offModel.p50)}   p99 ${fmt(off.p99 - offModel.p99)}`)
    if (baseRes) console.log(`  offline chat, baseline p50 ${fmt(baseRes.p50 - offModel.p50)}   p99 ${fmt(baseRes.p99 - offModel.p99)}`)
    console.log(`  local server, chat     p50 ${fmt(chat.p50 - direct.p50)}   p99 ${fmt(chat.p99 - direct.p99)}`)
    console.log(`  local server, proxy    p50 ${fmt(proxy.p50 - direct.p50)}   p99 ${fmt(proxy.p99 - direct.p99)}`)
    console.log(`  (for scale: an HTTP round trip to Next itself, p50 ${fmt(floor.p50)}; load average now ${load()})`)
    const resultsDir = process.env.BENCH_RESULTS_DIR ?? new URL('./results', import.meta.url).pathname
    await mkdir(resultsDir, { recursive: true })
    await writeFile(
      `${resultsDir}/chat-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
      JSON.stringify(
        {
          n: N,
          floor,
          offModel,
          off,
          offTimed,
          base: baseRes,
          direct,
          chat,
          proxy,
          scenarios: by,
          stages: breakdown,
          addedOfflineP50: off.p50 - offModel.p50,
          addedBaseP50: baseRes ? baseRes.p50 - offModel.p50 : undefined,
          loadavg: loadavg(),
        },
        null,
        2,
      ),
    )

    await resumeBench(paced.baseUrl)
    await reloadBench(paced.baseUrl)
  } finally {
    for (const one of Object.values(c)) one.agent.destroy()
    await Promise.all([offline.stop(), timed.stop(), base?.stop(), paced.stop(), viaOpenAi.stop()])
    await upstream.close()
  }
}

/**
 * Sends a request on raw `node:http` and resolves, with the ms from the send, once the body has
 * matched `pattern` `count` times; then drops the connection (the reader leaves, as a closed tab does).
 */
/** @param {any} c @param {string} url @param {RequestOptions} options @param {RegExp} pattern @returns {Promise<number>} */
function readUntil(c, url, { method = 'GET', headers = {}, body } = {}, pattern, count = 1) {
  return new Promise((resolve, reject) => {
    const all = { ...headers, ...(c.cookie ? { cookie: c.cookie } : {}) }
    if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body))
    const t0 = performance.now()
    const req = http.request(url, { method, headers: all }, (res) => {
      const set = res.headers['set-cookie']
      if (set) c.cookie = set.map((v) => v.split(';')[0]).join('; ')
      if (res.statusCode !== 200) return reject(new Error(`${method} ${url}: HTTP ${res.statusCode}`))
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        text += chunk
        if ((text.match(new RegExp(pattern.source, 'g')) ?? []).length >= count) {
          resolve(performance.now() - t0)
          req.destroy()
        }
      })
      res.on('end', () => reject(new Error(`${method} ${url}: ended before ${count} matches`)))
    })
    req.on('error', () => {}) // destroyed on purpose once resolved; a real failure rejects above
    req.end(body)
  })
}

/** Starts a long answer and returns once 5 of its tokens have arrived; the chat id, for a reload. */
async function startLongAnswer(c, base, text) {
  const { id, body } = newChat(text)
  await readUntil(
    c,
    `${base}/api/chat`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body },
    /"type":"text-delta"/,
    5,
  )
  return id
}

const stopAnswer = (c, base, id) => timedRequest(c, `${base}/api/chat/${id}/stop`, { method: 'POST' })

/** Reload → first resumed token, through `GET /api/chat/:id/stream`, while the answer is being written. */
async function resumeBench(base) {
  console.log('\nResume after reload (answer at the default 30 ms/token, reattached after 5 tokens)')
  const c = client()
  const samples = []
  const runs = Math.max(Math.min(10, N), Math.round(N / 10))
  for (let i = 0; i < runs; i++) {
    const id = await startLongAnswer(c, base, 'Tell me a long story about streams')
    samples.push(await readUntil(c, `${base}/api/chat/${id}/stream`, {}, uiToken))
    await stopAnswer(c, base, id)
  }
  c.agent.destroy()
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
    const c = client()
    const samples = []
    const runs = Math.max(Math.min(10, N), Math.round(N / 20))
    for (let i = 0; i < runs + 2; i++) {
      const id = await startLongAnswer(c, base, 'Tell me a long story about reloads')
      await page.goto(`${base}/chat/${id}`)
      const at = await page.waitForFunction(() => /** @type {any} */ (window).__firstToken, undefined, { polling: 'raf' })
      if (i >= 2) samples.push(await at.jsonValue()) // the first two warm the page up
      await stopAnswer(c, base, id)
    }
    c.agent.destroy()
    report('Chromium: open /chat/<id> → first token shown', samples)
  } finally {
    await browser.close()
  }
}

await main()
