/**
 * Uploads' front door (server): resumable upload sessions, receiving bytes, progress, stored
 * files and their download. Browser code imports `@/lib/uploads/client`.
 */
export { cancelUpload, createUpload, getUpload, type UploadSession } from './sessions'
export { receiveUpload, type Reception } from './receive'
export { progressEventsResponse, progressHeaders, uploadResponse, uploadUrl } from './responses'
export { deleteUpload, listUploads, type StoredUpload } from './files'
export { downloadResponse } from './download'
export type { UploadProgress, UploadState } from './progress'
export { chunksOf, READ_AHEAD_BYTES } from './read-ahead'
