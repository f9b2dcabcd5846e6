import type { UIMessage } from 'ai'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatStore } from '@/lib/chat/store'

const user = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] })
const assistant = (id: string, text: string): UIMessage => ({
  id,
  role: 'assistant',
  parts: [{ type: 'step-start' }, { type: 'reasoning', text: 'thinking about secrets' }, { type: 'text', text }],
})

/**
 * The behaviour every {@link ChatStore} must have. Each implementation's test file calls this
 * with a factory that returns a fresh, empty store (and a clean-up).
 */
export function chatStoreContract(name: string, open: () => Promise<{ store: ChatStore; close: () => Promise<void> }>) {
  describe(`ChatStore contract: ${name}`, () => {
    let store: ChatStore
    let close: () => Promise<void>
    beforeEach(async () => {
      ;({ store, close } = await open())
    })
    afterEach(async () => close())

    it('has no chat before one is saved', async () => {
      expect(await store.get('nope')).toBeUndefined()
      expect(await store.list()).toEqual({ total: 0, chats: [] })
    })

    it('saves and returns messages exactly, titled from the first user message', async () => {
      const messages = [user('u1', 'What is backpressure?\nsecond line'), assistant('a1', 'It is when…')]
      await store.save('c1', { messages })
      const chat = await store.get('c1')
      expect(chat).toMatchObject({ id: 'c1', title: 'What is backpressure?', messageCount: 2, moderation: false, activeStreamId: null })
      expect(chat!.messages).toEqual(messages)
      expect(chat!.createdAt).toBeLessThanOrEqual(chat!.updatedAt)
    })

    it('replaces the messages on each save and keeps moderation unless it is given', async () => {
      await store.save('c1', { messages: [user('u1', 'one')], moderation: true })
      await store.save('c1', { messages: [user('u1', 'one'), assistant('a1', 'two'), user('u2', 'three')] })
      const chat = await store.get('c1')
      expect(chat!.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2'])
      expect(chat!.moderation).toBe(true)
      await store.save('c1', { messages: [user('u1', 'one')], moderation: false })
      expect((await store.get('c1'))!.moderation).toBe(false)
    })

    it('keeps a title given by rename through later saves, until it is reset', async () => {
      await store.save('c1', { messages: [user('u1', 'first question')] })
      await store.save('c2', { messages: [user('u2', 'other')] })
      const before = (await store.list()).chats.map((c) => c.id)
      expect(await store.rename('c1', 'My backpressure notes')).toBe(true)
      expect((await store.list()).chats.map((c) => c.id)).toEqual(before) // a rename does not reorder
      await store.save('c1', { messages: [user('u1', 'first question'), assistant('a1', 'an answer about backpressure')] })
      expect((await store.get('c1'))!.title).toBe('My backpressure notes')
      expect((await store.list()).chats.find((c) => c.id === 'c1')!.title).toBe('My backpressure notes')
      expect((await store.search('backpressure'))[0]).toMatchObject({ chatId: 'c1', title: 'My backpressure notes' })
      expect(await store.rename('c1', null)).toBe(true)
      expect((await store.get('c1'))!.title).toBe('first question')
    })

    it('renames only a chat that exists, and never brings a deleted one back', async () => {
      expect(await store.rename('nope', 'x')).toBe(false)
      expect(await store.get('nope')).toBeUndefined()
      await store.save('c1', { messages: [user('u1', 'one')] })
      await store.delete('c1')
      expect(await store.rename('c1', 'x')).toBe(false)
      expect(await store.get('c1')).toBeUndefined()
    })

    it('truncates long titles and names empty chats', async () => {
      await store.save('long', { messages: [user('u', 'x'.repeat(100))] })
      await store.save('empty', { messages: [] })
      expect((await store.get('long'))!.title).toBe(`${'x'.repeat(59)}…`)
      expect((await store.get('empty'))!.title).toBe('New chat')
    })

    it('lists the most recently updated first, with paging', async () => {
      for (const id of ['a', 'b', 'c']) {
        await store.save(id, { messages: [user(`${id}1`, id)] })
        await new Promise((r) => setTimeout(r, 2))
      }
      await store.save('a', { messages: [user('a1', 'a'), assistant('a2', 'again')] })
      expect((await store.list()).chats.map((c) => c.id)).toEqual(['a', 'c', 'b'])
      expect(await store.list({ limit: 1, offset: 1 })).toMatchObject({ total: 3, chats: [{ id: 'c' }] })
    })

    it('sets the active stream, with compare-and-set when asked', async () => {
      await store.save('c1', { messages: [user('u1', 'hi')] })
      expect(await store.setActiveStream('c1', 's1')).toBe(true)
      expect((await store.get('c1'))!.activeStreamId).toBe('s1')
      expect(await store.setActiveStream('c1', null, { expected: 's0' })).toBe(false)
      expect((await store.get('c1'))!.activeStreamId).toBe('s1')
      expect(await store.setActiveStream('c1', 's2', { expected: 's1' })).toBe(true)
      expect(await store.setActiveStream('c1', null, { expected: 's2' })).toBe(true)
      expect(await store.setActiveStream('c1', 's3', { expected: null })).toBe(true)
      expect((await store.get('c1'))!.activeStreamId).toBe('s3')
      expect(await store.setActiveStream('missing', 's1')).toBe(false)
    })

    it('survives a save while a stream is active', async () => {
      await store.save('c1', { messages: [user('u1', 'hi')] })
      await store.setActiveStream('c1', 's1')
      await store.save('c1', { messages: [user('u1', 'hi'), assistant('a1', 'yo')] })
      expect((await store.get('c1'))!.activeStreamId).toBe('s1')
    })

    it('searches message text for every word, case-insensitively, not reasoning', async () => {
      await store.save('c1', { messages: [user('u1', 'Tell me about Durable Streams'), assistant('a1', 'Durable streams keep data.')] })
      await store.save('c2', { messages: [user('u2', 'streams of 100% cotton_fabric')] })
      const hits = await store.search('durable STREAMS')
      expect(hits.map((h) => [h.chatId, h.messageId])).toEqual([
        ['c1', 'a1'],
        ['c1', 'u1'],
      ])
      expect(hits[0]).toMatchObject({ title: 'Tell me about Durable Streams', role: 'assistant', snippet: 'Durable streams keep data.' })
      expect(await store.search('secrets')).toEqual([])
      expect((await store.search('100%')).map((h) => h.chatId)).toEqual(['c2'])
      expect(await store.search('0%c')).toEqual([])
      expect((await store.search('n_f')).map((h) => h.chatId)).toEqual(['c2'])
      expect(await store.search('   ')).toEqual([])
      expect(await store.search('streams', { limit: 1 })).toHaveLength(1)
    })

    it('refuses to search with an aborted signal', async () => {
      const abort = new AbortController()
      abort.abort()
      await expect(store.search('x', { signal: abort.signal })).rejects.toThrow()
    })

    it('deletes a chat and its messages', async () => {
      await store.save('c1', { messages: [user('u1', 'findme')] })
      expect(await store.delete('c1')).toBe(true)
      expect(await store.delete('c1')).toBe(false)
      expect(await store.get('c1')).toBeUndefined()
      expect(await store.search('findme')).toEqual([])
    })
  })
}
