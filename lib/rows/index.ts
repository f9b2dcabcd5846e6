/** Rows read from a request body (CSV or NDJSON, streaming) and written back as CSV: the rows export's parts. */
export { BodyRows, type BodyRowsOptions } from './read'
export { CsvRows } from './csv'
export {
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_ROW_CHARS,
  RowParser,
  type JsonNumber,
  type Row,
  type RowParserOptions,
  type RowsFormat,
  type RowValue,
} from './parse'
