// The protocol's Node reference server (@durable-streams/server), file-backed, for bench/durable.mjs.
// Usage: node bench/reference-server.mjs <port> <dataDir>
import { DurableStreamTestServer } from '@durable-streams/server'

const [port, dataDir] = process.argv.slice(2)
const server = new DurableStreamTestServer({ port: Number(port), host: '127.0.0.1', dataDir })
await server.start()
console.log(`ready ${port}`)
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)))
