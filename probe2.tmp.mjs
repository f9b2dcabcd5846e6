import { startServer } from './test/support/server.ts'
const s = await startServer()
const url = `${s.baseUrl}/v1/stream/p/x`
await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/plain' } })
const errors = new Map()
let ok = 0
const t = performance.now()
await Promise.all(Array.from({ length: 16 }, async () => { for (let i = 0; i < 300; i++) { try { const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(100) }); await r.arrayBuffer(); ok++ } catch (e) { const k = `${e.cause?.code} ${e.cause?.message}`; errors.set(k, (errors.get(k) ?? 0) + 1) } } }))
console.log('ok', ok, 'rate', (ok / ((performance.now() - t) / 1000)).toFixed(0), [...errors])
console.log(s.output().slice(-1500))
await s.stop()
