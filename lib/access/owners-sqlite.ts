import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { OwnerStore, ResourceKind } from '@/lib/access/owners'

const SCHEMA = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  CREATE TABLE IF NOT EXISTS owners (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    owner TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX IF NOT EXISTS owners_by_owner ON owners (owner, kind, claimed_at DESC);
`

/** Owner records in `access.sqlite` under the data directory. */
export class SqliteOwnerStore implements OwnerStore {
  private readonly db: DatabaseSync
  private seq = 0
  // Prepared once: every write to a durable stream asks who owns it (the access guard).
  private readonly insertOwner: StatementSync
  private readonly selectOwner: StatementSync
  private readonly deleteOwner: StatementSync

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true })
    this.db = new DatabaseSync(file)
    this.db.exec(SCHEMA)
    this.insertOwner = this.db.prepare('INSERT INTO owners (kind, id, owner, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
    this.selectOwner = this.db.prepare('SELECT owner FROM owners WHERE kind = ? AND id = ?')
    this.deleteOwner = this.db.prepare('DELETE FROM owners WHERE kind = ? AND id = ?')
  }

  async claim(kind: ResourceKind, id: string, owner: string): Promise<string> {
    // Claims in one millisecond keep their order: a fraction of a step per claim.
    const at = Date.now() + (this.seq = (this.seq + 1) % 1000) / 1000
    this.insertOwner.run(kind, id, owner, at)
    return (await this.ownerOf(kind, id)) ?? owner
  }

  async ownerOf(kind: ResourceKind, id: string): Promise<string | undefined> {
    const row = this.selectOwner.get(kind, id) as { owner: string } | undefined
    return row?.owner
  }

  async release(kind: ResourceKind, id: string): Promise<void> {
    this.deleteOwner.run(kind, id)
  }

  async list(kind: ResourceKind, owner: string, { limit = 100, offset = 0 } = {}): Promise<{ total: number; ids: string[] }> {
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM owners WHERE owner = ? AND kind = ?').get(owner, kind) as { n: number }).n
    const rows = this.db
      .prepare('SELECT id FROM owners WHERE owner = ? AND kind = ? ORDER BY claimed_at DESC LIMIT ? OFFSET ?')
      .all(owner, kind, limit, offset) as Array<{ id: string }>
    return { total, ids: rows.map((r) => r.id) }
  }
}
