/** Jobs' front door: the CSV/NDJSON exports (download, durable, rows), the import job, and the jobs store. */
export { exportContentTypes, exportDownload, type ExportOptions } from './export'
export { startDurableExport, type StartedExport } from './export-durable'
export { rowsFormat, startRowsExport, type RowsExportOptions, type RowsExportOutcome, type StartedRowsExport } from './export-rows'
export { importJob, importProgress, importSummary } from './import-stream'
export { listImports, type ImportList } from './import-list'
export type { ImportJob, ImportStatus } from './store'
export { jobsStore } from './instance'
