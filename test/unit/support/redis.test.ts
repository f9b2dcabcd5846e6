import { expect, it } from 'vitest'
import { startRedis } from '../../support/redis'

// The test helper must hand out the server it started, never another that holds the port.
it('startRedis refuses a port another Redis server holds', async () => {
  const first = await startRedis()
  try {
    await expect(startRedis({ port: first.port })).rejects.toThrow(/exited|not the redis-server started here/)
  } finally {
    await first.stop()
  }
})
