/**
 * Access control's front door: the guard every route runs (`lib/http.ts`), the one access table,
 * who owns what, the per-visitor limits on running work, and the announcements of what an owner's
 * lists gained or lost. Bearer tokens are checked by the guard alone, from each route's row (no
 * feature compares a token of its own).
 */
export { guard, type Access, type Guarded } from './guard'
export { accessTable, type AccessRow, type IdSource, type RouteKey, type Who } from './table'
export { ownerStore } from './instance'
export type { OwnerStore, ResourceKind } from './owners'
export { LIVE_LIST_LIMITS, reserveSlot, type RunningKind, type SlotLimits } from './limits'
export { ownerChanges, type OwnerChangeListener, type OwnerChanges } from './owner-changes'
export { pageOwnership } from './page'
export { warnAboutOpenAccess } from './warnings'
