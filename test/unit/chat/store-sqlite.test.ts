import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SqliteChatStore } from '@/lib/chat/sqlite-store'
import { chatStoreContract } from './store.contract'

chatStoreContract('SQLite', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-chat-'))
  const store = new SqliteChatStore(path.join(dir, 'chat.sqlite'))
  return {
    store,
    close: async () => {
      store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

describe('SqliteChatStore', () => {
  it('keeps chats across reopening the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-chat-'))
    const file = path.join(dir, 'nested', 'chat.sqlite')
    const first = new SqliteChatStore(file)
    await first.save('c1', { messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'persist me' }] }] })
    first.close()
    const second = new SqliteChatStore(file)
    expect((await second.get('c1'))?.title).toBe('persist me')
    second.close()
    await rm(dir, { recursive: true, force: true })
  })
})
