import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { UIMessage } from 'ai'
import type { SpaceForDeletes } from '@/lib/disk-reserve'
import {
  messageText,
  queryWords,
  snippetAround,
  titleFrom,
  type Chat,
  type ChatSearchHit,
  type ChatStore,
  type ChatSummary,
} from '@/lib/chat/store'

const SCHEMA = `
  PRAGMA journal_mode = WAL;
  PRAGMA foreign_keys = ON;
  CREATE TABLE IF NOT EXISTS chats (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    moderation INTEGER NOT NULL DEFAULT 0,
    active_stream_id TEXT,
    custom_title TEXT
  );
  CREATE INDEX IF NOT EXISTS chats_updated ON chats (updated_at DESC);
  CREATE TABLE IF NOT EXISTS messages (
    chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (chat_id, position)
  );
`

interface ChatRow {
  id: string
  title: string
  custom_title: string | null
  created_at: number
  updated_at: number
  moderation: number
  active_stream_id: string | null
  message_count: number
}

const summary = (row: ChatRow): ChatSummary => ({
  id: row.id,
  title: row.custom_title ?? row.title,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  messageCount: row.message_count,
  moderation: row.moderation === 1,
  activeStreamId: row.active_stream_id,
})

const SELECT_CHAT = `SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id) AS message_count FROM chats c`

/** `LIKE` pattern for a literal substring (`%`, `_` and `\` escaped). */
const like = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** The embedded {@link ChatStore}: one SQLite file (WAL) under the data directory, via `node:sqlite`. */
export class SqliteChatStore implements ChatStore {
  private readonly db: DatabaseSync
  private readonly space: SpaceForDeletes | undefined
  private readonly statements = new Map<string, StatementSync>()

  /**
   * `fsync`: every commit waits for the disk (`synchronous = FULL`, survives a power cut), as the
   * durable streams do with `SLUICE_STREAMS_DURABILITY=fsync`, so a chat is never less durable than
   * its generation stream; otherwise commits reach the OS at once (`NORMAL`: survives a crash or
   * `kill -9`). `space` lets a delete that a full disk refused run again (`lib/disk-reserve.ts`).
   */
  constructor(file: string, options: { fsync?: boolean; space?: SpaceForDeletes } = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true })
    this.db = new DatabaseSync(file)
    this.db.exec(SCHEMA)
    // Files from before chats could be renamed have no custom_title column yet.
    const columns = this.db.prepare('PRAGMA table_info(chats)').all() as Array<{ name: string }>
    if (!columns.some((c) => c.name === 'custom_title')) this.db.exec('ALTER TABLE chats ADD COLUMN custom_title TEXT')
    this.db.exec(`PRAGMA synchronous = ${options.fsync ? 'FULL' : 'NORMAL'}`)
    this.space = options.space
  }

  /** The statement for a fixed SQL text, prepared once: preparing costs about 0.1 ms each time. */
  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (statement === undefined) this.statements.set(sql, (statement = this.db.prepare(sql)))
    return statement
  }

  async get(id: string): Promise<Chat | undefined> {
    const row = this.statement(`${SELECT_CHAT} WHERE c.id = ?`).get(id) as ChatRow | undefined
    if (!row) return undefined
    const messages = this.statement('SELECT message FROM messages WHERE chat_id = ? ORDER BY position')
      .all(id)
      .map((r) => JSON.parse((r as { message: string }).message) as UIMessage)
    return { ...summary(row), messages }
  }

  async list({ limit = 50, offset = 0 }: { limit?: number; offset?: number } = {}) {
    const total = (this.statement('SELECT COUNT(*) AS n FROM chats').get() as { n: number }).n
    const rows = this.statement(`${SELECT_CHAT} ORDER BY c.updated_at DESC, c.id LIMIT ? OFFSET ?`).all(
      Math.min(Math.max(limit, 1), 1000),
      Math.max(offset, 0),
    ) as unknown as ChatRow[]
    return { total, chats: rows.map(summary) }
  }

  async save(id: string, update: { messages: UIMessage[]; title?: string; moderation?: boolean }): Promise<void> {
    const now = Date.now()
    const title = update.title ?? titleFrom(update.messages)
    this.transaction(() => {
      this.statement(
        `INSERT INTO chats (id, title, created_at, updated_at, moderation) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at,
             moderation = COALESCE(?, chats.moderation)`,
      ).run(id, title, now, now, update.moderation ? 1 : 0, update.moderation === undefined ? null : update.moderation ? 1 : 0)
      this.statement('DELETE FROM messages WHERE chat_id = ?').run(id)
      const insert = this.statement('INSERT INTO messages (chat_id, position, id, role, text, message) VALUES (?, ?, ?, ?, ?, ?)')
      update.messages.forEach((m, i) => insert.run(id, i, m.id, m.role, messageText(m).toLowerCase(), JSON.stringify(m)))
    })
  }

  async setActiveStream(id: string, streamId: string | null, options: { expected?: string | null } = {}): Promise<boolean> {
    const result =
      options.expected === undefined
        ? this.statement('UPDATE chats SET active_stream_id = ? WHERE id = ?').run(streamId, id)
        : this.statement('UPDATE chats SET active_stream_id = ? WHERE id = ? AND active_stream_id IS ?').run(streamId, id, options.expected)
    return Number(result.changes) > 0
  }

  async search(query: string, { limit = 10, signal }: { limit?: number; signal?: AbortSignal } = {}): Promise<ChatSearchHit[]> {
    signal?.throwIfAborted()
    const words = queryWords(query)
    if (words.length === 0) return []
    const where = words.map(() => `m.text LIKE ? ESCAPE '\\'`).join(' AND ')
    const rows = this.db
      .prepare(
        `SELECT m.chat_id, m.id, m.role, m.message, COALESCE(c.custom_title, c.title) AS title, c.updated_at FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE ${where} ORDER BY c.updated_at DESC, m.position DESC LIMIT ?`,
      )
      .all(...words.map(like), Math.min(Math.max(limit, 1), 100)) as unknown as Array<{
      chat_id: string
      id: string
      role: UIMessage['role']
      message: string
      title: string
      updated_at: number
    }>
    return rows.map((r) => ({
      chatId: r.chat_id,
      title: r.title,
      messageId: r.id,
      role: r.role,
      snippet: snippetAround(messageText(JSON.parse(r.message) as UIMessage), words[0]!),
      updatedAt: r.updated_at,
    }))
  }

  async rename(id: string, title: string | null): Promise<boolean> {
    return Number(this.statement('UPDATE chats SET custom_title = ? WHERE id = ?').run(title, id).changes) > 0
  }

  async delete(id: string): Promise<boolean> {
    const remove = () => Number(this.statement('DELETE FROM chats WHERE id = ?').run(id).changes) > 0
    return this.space ? this.space.retryWhenFull(remove) : remove()
  }

  /** Closes the database (tests). */
  close(): void {
    this.db.close()
  }

  private transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      fn()
      this.db.exec('COMMIT')
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK') // SQLite may have rolled back already (a full disk)
      throw error
    }
  }
}
