/**
 * `io/`: data files. Parquet ⇄ Arrow through parquet-wasm (`parquet.ts` is the only importer of
 * parquet-wasm, and is handed bytes or an `AsyncBuffer`, never a store), Iceberg schema ⇄ Arrow
 * schema, resolution of file columns by field id, fitting user data to a table schema (Arrow
 * objects of another apache-arrow copy adopted in `arrow-adopt.ts`, plain row objects converted
 * in `rows.ts`), row selection, and column metrics for manifests.
 *
 * Guarantees:
 * - Files written here are self-describing and readable by any Parquet reader: every column,
 *   list element, map key and map value carries its Iceberg field id as the Parquet field id,
 *   and the footer holds `iceberg.schema` (spec §Parquet, verified with hyparquet); uuid
 *   columns carry the Parquet `UUID` logical type (added to the footer by `parquet-uuid.ts`).
 * - Reads resolve columns by field id, never by name (spec §Column Projection): renamed
 *   columns keep their data, dropped ones disappear, added ones read as identity-partition
 *   constant, `initial-default` or null; int→long, float→double and decimal widening apply.
 * - `FixedSizeList<Float32>` embedding columns round-trip as fixed-size lists.
 * - Encode and decode may run on worker threads (`parquet-pool.ts`, `FLOE_THREADS`): the same
 *   wasm calls as in process, so the same bytes, metrics and rows, and the same typed errors.
 * - No wasm error escapes: failures are `CorruptFileError` (bad bytes), `InvalidArgumentError`
 *   (bad options) or `SchemaMismatchError` (data that does not fit a schema).
 *
 * - Deletion vectors and Puffin files (puffin-spec.md) read and write byte for byte as Iceberg
 *   Java does (golden files in test/fixtures/iceberg-java-golden/): the 64-bit roaring position
 *   bitmap, the `deletion-vector-v1` blob with its length, magic and CRC, and the Puffin footer;
 *   blobs are read by offset and length through an `AsyncBuffer`.
 *
 * Needs from below: `spec/` (types, schema JSON, bounds and value codecs), `errors`, `util/json`.
 *
 * @module
 */
export {
  asyncBufferFromBytes,
  DEFAULT_BATCH_ROWS,
  initParquetWasm,
  readParquet,
  readParquetMetadata,
  readParquetMetadataAsync,
  readParquetSchema,
  writeParquet,
  type AsyncBuffer,
  type ParquetCompression,
  type ParquetMetadata,
  type ParquetRowGroupInfo,
  type ReadParquetOptions,
  type WriteParquetOptions,
} from './parquet.js';
export {
  closeWorkerThreads,
  encodeDataFile,
  readParquetAsync,
  readParquetRowGroupsAsync,
  setWorkerMinBytes,
  workerMinBytes,
  setWorkerThreads,
  THREADS_ENV,
  workerThreads,
  workerTasksRun,
  type EncodedDataFile,
} from './parquet-pool.js';
export {
  arrowFieldFromIceberg,
  arrowSchemaFromIceberg,
  arrowTypeFromIceberg,
  arrowTypeFromPrimitive,
  fieldIdOf,
  icebergSchemaFromArrow,
  primitiveFromArrowType,
  ICEBERG_SCHEMA_KEY,
  PARQUET_FIELD_ID_KEY,
  type ArrowSchemaOptions,
  type IcebergSchemaFromArrow,
} from './arrow-schema.js';
export { fileColumnsFor, resolveBatch, resolveTable, type MappedField, type NameMapping, type ResolveOptions } from './resolve.js';
export { decodeNameMapping, NAME_MAPPING_PROPERTY } from './name-mapping.js';
export { conformToSchema, type ConformOptions } from './conform.js';
export {
  ADOPTABLE_ARROW_VERSIONS,
  adoptRecordBatch,
  adoptRecordBatches,
  adoptSchema,
  adoptTable,
  isArrowRecordBatchLike,
  isArrowSchemaLike,
  isArrowTableLike,
  type ArrowRecordBatchLike,
  type ArrowSchemaLike,
  type ArrowTableLike,
} from './arrow-adopt.js';
export { describeValue, isPlainObject, rowsOf, tableFromRows, type TableFromRowsOptions, type WriteRow } from './rows.js';
export { decodeDictionary, filterRows, takeRows } from './take.js';
export { computeMetrics, type ColumnMetrics, type MetricsOptions } from './metrics.js';
export { dataFromLiterals, isValidAt, literalAt, literalFromArrowValue, literalToArrowValue } from './literals.js';
export { constantData, nullData } from './fill.js';
export { decodeIpcStream, encodeIpcStream, withNullColumns } from './ipc.js';
export { readParquetFooter } from './parquet.js';
export { rowGroupMetrics, type RowGroupMetrics } from './row-group-metrics.js';
export type { Footer, FooterColumnStats, FooterLeaf, FooterRowGroup } from './parquet-footer.js';
export {
  canReadRowGroupsRanged,
  coalesceRanges,
  readParquetTail,
  readRestOfFile,
  readRowGroupsRanged,
  rowGroupBytes,
  COALESCE_GAP_BYTES,
  SPECULATIVE_TAIL_BYTES,
  type ParquetTail,
} from './parquet-ranges.js';
export { decodePositionBitmap, encodePositionBitmap } from './roaring-position-bitmap.js';
export { decodeDeletionVector, encodeDeletionVector, DELETION_VECTOR_BLOB_TYPE, type DeletionVectorExpectation } from './deletion-vector.js';
export { type PuffinBlobMetadata, type PuffinCodec, type PuffinFileMetadata } from './puffin-format.js';
export { readPuffinBlob, readPuffinMetadata, type ReadPuffinOptions } from './puffin-reader.js';
export { encodePuffin, type EncodedPuffin, type PuffinBlobInput } from './puffin-writer.js';
export { type SharedLease } from './shared-buffers.js';
