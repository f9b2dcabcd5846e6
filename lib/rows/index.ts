/** Rows read from a request body (a JSON array or NDJSON of flat objects, streaming) and written back as CSV: the rows export's parts. */
export { BodyRows, type BodyRowsOptions } from './read'
export { CsvRows } from './csv'
export { RowParser } from './parse'
export {
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_ROW_CHARS,
  JsonNumber,
  type Row,
  type RowParserOptions,
  type RowsFormat,
  type RowValue,
} from './row'
