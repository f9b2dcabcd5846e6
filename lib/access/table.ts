import type { ResourceKind } from '@/lib/access/owners'

/**
 * The access table: every route and method of the app, and who may call it. `route()` looks its
 * row up and {@link guard} enforces it; a route without a row does not build (the key is typed)
 * and `test/unit/access/table.test.ts` fails for a route file with a method and no row.
 * `docs/security.md` is this table in words.
 *
 * Who:
 * - `anyone` — no identity needed (stateless demos, public reads, health).
 * - `visitor` — anyone; the request gets an anonymous identity (minted when it has none) and
 *   what it creates is theirs. Lists show only their own things (the operator sees all).
 * - `owner` — the visitor who owns the resource, or the operator. The resource's id is taken
 *   from the route (`param`, `query`) or, for `body`, checked by the handler through `access`.
 * - `link` — anyone holding the resource's unguessable id: a shared link is read-only.
 * - `writer` — the Durable Streams protocol's writers: `SLUICE_STREAMS_TOKEN` when set (open
 *   when unset); a stream owned by a visitor is changed only by its owner or the operator.
 * - `operator` — `Authorization: Bearer <SLUICE_OPERATOR_TOKEN>`. With `localOpen`, anyone while
 *   no operator token is configured (shared demo data, never a visitor's).
 *
 * `sameSite`: only the app's pages call it, so a cross-site browser request (`Sec-Fetch-Site`,
 * `Origin`) is refused; clients that send neither (curl, scripts) are not browsers and pass.
 * `token: 'jobs'`: `SLUICE_JOBS_TOKEN` is needed as well, when set.
 */
export type Who = 'anyone' | 'visitor' | 'owner' | 'link' | 'writer' | 'operator'

export type IdSource = { param: string } | { query: string } | 'body'

export interface AccessRow {
  who: Who
  /** The resource an `owner`, `link` or `writer` row is about, and where its id is. */
  resource?: { kind: ResourceKind; id: IdSource }
  sameSite?: boolean
  /** An `owner` row that claims the id for the caller when nobody owns it yet. */
  creates?: boolean
  /**
   * A `link` row that reads the caller's identity when the request has a cookie (never mints
   * one), so the handler can say whether the caller owns the resource (`access.owns`).
   */
  identifies?: boolean
  localOpen?: boolean
  token?: 'jobs'
  /** What the row means, in words (docs/security.md). */
  says: string
}

const chatParam = { kind: 'chat', id: { param: 'id' } } as const
const streamParam = (param: string) => ({ kind: 'stream', id: { param } }) as const
const uploadName = { kind: 'upload', id: { param: 'name' } } as const
const uploadSession = { kind: 'upload-session', id: { param: 'id' } } as const
const notFound: AccessRow = { who: 'anyone', says: 'a JSON 404 for any /api path no route claims' }
/** The live feed, at its public URL (a Pages API route) and on its App Router twin. */
const feed: AccessRow = {
  who: 'visitor',
  says: 'this instance’s live metrics (no visitor data); the identity lets the caller drop its own connections',
}

export const accessTable = {
  'GET /api/[...path]': notFound,
  'HEAD /api/[...path]': notFound,
  'POST /api/[...path]': notFound,
  'PUT /api/[...path]': notFound,
  'PATCH /api/[...path]': notFound,
  'DELETE /api/[...path]': notFound,
  'OPTIONS /api/[...path]': notFound,

  'GET /api/health': { who: 'anyone', says: 'liveness and this instance’s counters' },
  'GET /api/words': { who: 'anyone', says: 'a stateless token stream' },
  'POST /api/pipeline': { who: 'anyone', says: 'a stateless pipeline: the body streams back transformed, nothing is stored' },
  'GET /api/feed': feed,
  'GET /api/app-router/feed': feed,
  'POST /api/feed/drop': { who: 'visitor', sameSite: true, says: 'closes the caller’s own feed connections (the operator’s: every one)' },

  'POST /api/chat': {
    who: 'owner',
    resource: { kind: 'chat', id: 'body' },
    sameSite: true,
    says: 'starts an answer in a chat the caller owns, or claims a new chat id; capped per visitor and per instance',
  },
  'POST /api/chat/[id]/stop': { who: 'owner', resource: chatParam, sameSite: true, says: 'stops the chat’s running answer' },
  'GET /api/chat/[id]/stream': { who: 'link', resource: chatParam, says: 'follows the chat’s running answer (read-only)' },
  'GET /api/chats': { who: 'visitor', says: 'the caller’s own chats (the operator’s: all)' },
  'GET /api/chats/[id]': { who: 'link', resource: chatParam, says: 'one chat, read-only, for whoever holds its link' },
  'PATCH /api/chats/[id]': { who: 'owner', resource: chatParam, sameSite: true, says: 'renames the chat' },
  'DELETE /api/chats/[id]': { who: 'owner', resource: chatParam, sameSite: true, says: 'deletes the chat and its answer streams' },

  'GET /api/durable': {
    who: 'visitor',
    says: 'the caller’s own durable streams (the operator’s: all, the audit namespace included); `?live=sse` keeps sending the list as it changes (4 at once per visitor)',
  },
  'POST /api/durable': {
    who: 'writer',
    sameSite: true,
    says: 'creates a stream for an external writer; a caller with an identity owns it',
  },
  'GET /api/durable/[...id]': {
    who: 'link',
    resource: streamParam('id'),
    identifies: true,
    says: 'a stream’s metadata, for whoever holds its id (audit: operator), and whether the caller owns it',
  },
  'DELETE /api/durable/[...id]': {
    who: 'writer',
    resource: streamParam('id'),
    sameSite: true,
    says: 'deletes a stream: its owner, or a writer if nobody owns it',
  },
  'POST /api/durable/demo/export': {
    who: 'visitor',
    sameSite: true,
    says: 'starts a CSV export into a new stream the caller owns; capped',
  },
  'POST /api/durable/demo/logs': {
    who: 'visitor',
    sameSite: true,
    says: 'starts a log producer into a new stream the caller owns; capped',
  },

  'GET /v1/stream/[...path]': {
    who: 'link',
    resource: streamParam('path'),
    says: 'Durable Streams reads, cross-origin, by URL (audit: operator)',
  },
  'HEAD /v1/stream/[...path]': { who: 'link', resource: streamParam('path'), says: 'Durable Streams metadata, by URL (audit: operator)' },
  'PUT /v1/stream/[...path]': { who: 'writer', resource: streamParam('path'), says: 'creates a stream (streams token when set)' },
  'POST /v1/stream/[...path]': {
    who: 'writer',
    resource: streamParam('path'),
    says: 'appends (streams token when set; an owned stream: its owner)',
  },
  'DELETE /v1/stream/[...path]': {
    who: 'writer',
    resource: streamParam('path'),
    says: 'deletes (streams token when set; an owned stream: its owner)',
  },
  'OPTIONS /v1/stream/[...path]': { who: 'anyone', says: 'CORS preflight' },

  'GET /api/uploads': { who: 'visitor', says: 'the caller’s own finished uploads (the operator’s: all)' },
  'POST /api/uploads': { who: 'visitor', sameSite: true, says: 'announces an upload: claims its name and session for the caller' },
  'PUT /api/uploads/[name]': {
    who: 'owner',
    resource: uploadName,
    creates: true,
    sameSite: true,
    says: 'uploads (or resumes) a file under a name the caller owns or claims',
  },
  'GET /api/uploads/[name]': { who: 'owner', resource: uploadName, says: 'downloads the caller’s own upload' },
  'HEAD /api/uploads/[name]': { who: 'owner', resource: uploadName, says: 'the download’s headers' },
  'DELETE /api/uploads/[name]': { who: 'owner', resource: uploadName, sameSite: true, says: 'deletes the caller’s own upload' },
  'GET /api/uploads/sessions/[id]': { who: 'owner', resource: uploadSession, says: 'the caller’s upload progress' },
  'HEAD /api/uploads/sessions/[id]': { who: 'owner', resource: uploadSession, says: 'the resume offset of the caller’s upload' },
  'DELETE /api/uploads/sessions/[id]': { who: 'owner', resource: uploadSession, sameSite: true, says: 'cancels the caller’s upload' },
  'GET /api/uploads/sessions/[id]/events': { who: 'owner', resource: uploadSession, says: 'progress events of the caller’s upload' },

  'GET /api/jobs/import': {
    who: 'visitor',
    says: 'the caller’s own imports, newest first, with their committed counts (the operator’s: all)',
  },
  'POST /api/jobs/import': {
    who: 'visitor',
    sameSite: true,
    token: 'jobs',
    says: 'runs an import the caller owns; capped. With `Last-Event-ID: <streamId>:<frame>`: resumes the caller’s own run after a lifetime end (owner only)',
  },
  'DELETE /api/jobs/import': {
    who: 'owner',
    resource: { kind: 'typed-stream', id: { query: 'stream' } },
    sameSite: true,
    token: 'jobs',
    says: 'cancels the caller’s import',
  },
  'GET /api/jobs/import/[id]': {
    who: 'owner',
    resource: { kind: 'typed-stream', id: { param: 'id' } },
    says: 'the caller’s import job and its rows',
  },
  'GET /api/jobs/export': { who: 'anyone', says: 'the shared demo table as a streaming download (generated rows, no visitor data)' },
  'GET /api/jobs/export/table': { who: 'anyone', says: 'how many rows the shared demo table holds' },
  'POST /api/jobs/export/table': { who: 'operator', localOpen: true, sameSite: true, says: 'reseeds the shared demo table' },
  'POST /api/jobs/export/durable': {
    who: 'visitor',
    sameSite: true,
    says: 'exports the demo table into a new stream the caller owns; capped',
  },
  'POST /api/jobs/export/rows': {
    who: 'visitor',
    sameSite: true,
    says: 'exports the rows of the request body (JSON array or NDJSON, read as it arrives) as CSV into a new stream the caller owns; capped',
  },

  'POST /api/proxy/openai': {
    who: 'visitor',
    sameSite: true,
    says: 'forwards to the configured model with the server’s key; capped per visitor and per instance',
  },
  'GET /api/typed': { who: 'anyone', says: 'the catalogue of typed stream endpoints and their JSON Schemas (no visitor data)' },
  'POST /api/typed/answer': {
    who: 'visitor',
    sameSite: true,
    says: 'streams a model answer the caller owns; capped with the chat answers',
  },
  'DELETE /api/typed/answer': {
    who: 'owner',
    resource: { kind: 'typed-stream', id: { query: 'stream' } },
    sameSite: true,
    says: 'cancels the caller’s answer, aborting the model call',
  },
  'GET /api/typed/countdown': { who: 'visitor', says: 'opens the countdown typed stream (query input)' },
  'POST /api/typed/countdown': { who: 'visitor', sameSite: true, says: 'opens the countdown typed stream (JSON input)' },
  'DELETE /api/typed/countdown': {
    who: 'owner',
    resource: { kind: 'typed-stream', id: { query: 'stream' } },
    sameSite: true,
    says: 'cancels the caller’s countdown stream',
  },
  // new:stream adds rows above this line
} as const satisfies Record<string, AccessRow>

export type RouteKey = keyof typeof accessTable
