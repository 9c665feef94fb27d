/**
 * Writing rows as Parquet data files: conform to the table schema, split by partition (spec
 * §Partitioning), cut into files of a target size, encode with field ids and the
 * `iceberg.schema` footer, compute the metrics manifests carry, and store each file under a
 * fresh uuid name with a conditional create (a name is never reused, so a file is never
 * overwritten and never visible before a commit references it).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import pLimit from 'p-limit';
import { InvalidArgumentError } from '../errors.js';
import {
  adoptRecordBatch,
  adoptRecordBatches,
  adoptTable,
  type ArrowRecordBatchLike,
  type ArrowTableLike,
  conformToSchema,
  describeValue,
  encodeDataFile,
  initParquetWasm,
  isArrowRecordBatchLike,
  isArrowTableLike,
  literalAt,
  rowsOf,
  tableFromRows,
  takeRows,
  workerMinBytes,
  workerThreads,
  type WriteRow,
} from '../io/index.js';
import { type DataFile, DataFileContent } from '../spec/index.js';
import { type PartitionSpec, partitionPath } from '../spec/index.js';
import { encodeSchema, indexById } from '../spec/index.js';
import { applyTransform } from '../spec/index.js';
import type { PrimitiveType, Schema } from '../spec/index.js';
import type { Literal } from '../spec/index.js';
import { newUuid } from '../util/index.js';
import { stringifyJson } from '../util/index.js';
import { type TableContext, newFileLocation } from './table-context.js';

/**
 * Rows as users hand them over: an Arrow Table or RecordBatch (made by Floe's apache-arrow or by
 * another copy of it), an array of RecordBatches, or an array of plain row objects (converted
 * with the table's schema, see `io/rows.ts`).
 */
export type WriteInput =
  | arrow.Table
  | arrow.RecordBatch
  | readonly arrow.RecordBatch[]
  | ArrowTableLike
  | ArrowRecordBatchLike
  | readonly ArrowRecordBatchLike[]
  | readonly WriteRow[];

/** What {@link toArrowTable} converts plain rows with, and names in messages. */
export interface ToArrowTableOptions {
  /** The table's current schema (plain rows are converted with it, never inferred). */
  readonly schema: Schema;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /** The table's name, for messages. */
  readonly table?: string;
  /** The argument the input was passed as, for messages (default `data`). */
  readonly argument?: string;
}

/** Options of {@link writeDataFiles}. */
export interface WriteDataFilesOptions {
  /** The table's current schema. */
  readonly schema: Schema;
  /** The spec to partition by. */
  readonly spec: PartitionSpec;
  /** The table's recorded location. */
  readonly location: string;
  /** Table properties (`write.*`). */
  readonly properties: Readonly<Record<string, string>>;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
}

/**
 * Turns any accepted input into one Arrow table of Floe's apache-arrow, checking its shape
 * first: a user's `append(42)` must fail here, naming the argument, before anything is written.
 * An empty array is zero rows (like an empty Arrow table).
 * @throws {InvalidArgumentError} naming the argument (and the element, row and column) for
 *   anything else, or rows that do not fit the schema
 * @throws {UnsupportedError} for Arrow objects from a copy of apache-arrow too old to adopt
 */
export function toArrowTable(input: unknown, options: ToArrowTableOptions): arrow.Table {
  const argument = options.argument ?? 'data';
  if (isArrowTableLike(input)) return adoptTable(input, argument);
  if (isArrowRecordBatchLike(input)) return new arrow.Table([adoptRecordBatch(input, argument)]);
  if (Array.isArray(input)) {
    const rowOptions = { argument, ...(options.table !== undefined ? { table: options.table } : {}), ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}) };
    if (input.length > 0 && input.every((b) => isArrowRecordBatchLike(b))) return adoptRecordBatches(input, argument);
    return tableFromRows(rowsOf(input, argument), options.schema, rowOptions);
  }
  throw new InvalidArgumentError(`argument ${argument} must be an Arrow Table or RecordBatch, an array of RecordBatches, or an array of row objects; got ${describeValue(input)}`, {
    context: { argument },
  });
}

function intProperty(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const n = Number(props[key]);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

/** One partition's rows. */
interface PartitionGroup {
  readonly values: (Literal | null)[];
  readonly rows: number[];
}

/**
 * Groups row indices by partition tuple, computing each row's tuple with the spec's transforms.
 * Exported for tests.
 */
export function groupByPartition(data: arrow.Table, schema: Schema, spec: PartitionSpec): PartitionGroup[] {
  if (spec.fields.length === 0) return [{ values: [], rows: Array.from({ length: data.numRows }, (_, i) => i) }];
  const byId = indexById(schema);
  const sources = spec.fields.map((f) => {
    const field = byId.get(f.sourceId);
    const column = field ? data.getChild(field.name) : null;
    return { field, column, transform: f.transform };
  });
  const groups = new Map<string, PartitionGroup>();
  // Values are read from the Arrow buffers (literalAt), not through `Vector.get`, which returns
  // timestamps as lossy milliseconds: a bucket or identity partition needs the exact micros.
  const chunks = sources.map((s) => (s.column ? s.column.data : []));
  const cursor = sources.map(() => ({ chunk: 0, start: 0 }));
  for (let row = 0; row < data.numRows; row++) {
    const values: (Literal | null)[] = [];
    sources.forEach((s, k) => {
      const type = s.field?.type as PrimitiveType;
      const c = cursor[k]!;
      const list = chunks[k]!;
      while (c.chunk < list.length && row >= c.start + list[c.chunk]!.length) {
        c.start += list[c.chunk]!.length;
        c.chunk += 1;
      }
      const chunk = list[c.chunk];
      const value = chunk ? literalAt(chunk, row - c.start, type) : null;
      values.push(applyTransform(s.transform, type, value));
    });
    const key = values.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : `${typeof v}:${String(v)}`)).join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = { values, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(row);
  }
  return [...groups.values()];
}

function estimateBytesPerRow(table: arrow.Table): number {
  let bytes = 0;
  for (const batch of table.batches) for (const child of batch.data.children) bytes += dataBytes(child);
  return table.numRows === 0 ? 1 : Math.max(1, bytes / table.numRows);
}

function dataBytes(d: arrow.Data): number {
  let n = 0;
  for (const b of [d.values, d.valueOffsets, d.nullBitmap, d.typeIds] as unknown[]) if (ArrayBuffer.isView(b)) n += b.byteLength;
  for (const c of d.children) n += dataBytes(c);
  return n;
}

/**
 * Rows per file when worker threads encode: a file holding several row groups is cut, at
 * row-group boundaries, into up to one file per thread, so that the files encode at once (one
 * Parquet file is encoded by one thread). In process (one thread) files are cut by size only.
 * Exported for tests.
 * @param rowsPerFile rows a file may hold by the target file size
 * @param rowGroupRows rows per row group
 * @param threads worker threads
 */
export function parallelFileRows(rowsPerFile: number, rowGroupRows: number, threads: number): number {
  if (threads <= 1 || rowsPerFile <= rowGroupRows) return rowsPerFile;
  const groups = Math.ceil(rowsPerFile / rowGroupRows);
  return Math.ceil(groups / Math.min(threads, groups)) * rowGroupRows;
}

/**
 * Writes `input` as data files of the table; returns their entries for a manifest.
 * @throws SchemaMismatchError when the rows do not fit the schema (nothing is written then)
 */
export async function writeDataFiles(ctx: TableContext, input: WriteInput, options: WriteDataFilesOptions): Promise<DataFile[]> {
  const staged = await stageDataFiles(ctx, input, options);
  await staged.stored;
  return staged.files;
}

/** Data files whose entries are known and whose puts may still be in flight. */
export interface StagedDataFiles {
  /** The files' manifest entries (paths, sizes, metrics). */
  readonly files: DataFile[];
  /**
   * Settles when every file is stored; rejects with the first failed put. Its rejection is
   * already marked handled: the commit awaits it before its commit point.
   */
  readonly stored: Promise<void>;
}

/**
 * Encodes `input` as data files and returns their entries as soon as each is encoded, while
 * the puts go on: a manifest needs a file's path, size and metrics, not the stored object, so a
 * commit writes data files, manifest and manifest list concurrently and waits for all of them
 * before its commit point. At most 4 files (or one per worker thread, if more) are encoded or
 * stored at a time, so memory stays bounded by that many files.
 * @throws SchemaMismatchError when the rows do not fit the schema (nothing is written then)
 */
export async function stageDataFiles(ctx: TableContext, input: WriteInput, options: WriteDataFilesOptions): Promise<StagedDataFiles> {
  const vectorDimensions = options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {};
  const data = conformToSchema(toArrowTable(input, { schema: options.schema, table: ctx.name, ...vectorDimensions }), options.schema, { table: ctx.name, ...vectorDimensions });
  if (data.numRows === 0) return { files: [], stored: Promise.resolve() };
  await initParquetWasm();
  const targetBytes = intProperty(options.properties, 'write.target-file-size-bytes', 512 * 1024 * 1024);
  const rowGroupRows = intProperty(options.properties, 'write.parquet.row-group-limit', 128 * 1024);
  const compression = (options.properties['write.parquet.compression-codec'] ?? 'zstd') as 'zstd';
  const bytesPerRow = estimateBytesPerRow(data);
  const rowsPerFile = Math.max(1, Math.floor(targetBytes / bytesPerRow));
  const footer = { 'iceberg.schema': stringifyJson(encodeSchema(options.schema)) };
  const threads = workerThreads();
  const jobs: { values: (Literal | null)[]; slice: arrow.Table }[] = [];
  for (const group of groupByPartition(data, options.schema, options.spec)) {
    const rows = options.spec.fields.length === 0 ? undefined : Int32Array.from(group.rows);
    const part = rows ? new arrow.Table([takeRows(data, rows)]) : data;
    // Cut for the threads only into pieces large enough to be encoded on one (smaller files are
    // encoded in process, so cutting them would only make more, smaller files).
    const fileRows = Math.min(rowsPerFile, part.numRows);
    const pieces = Math.max(1, Math.min(threads, Math.floor((fileRows * bytesPerRow) / workerMinBytes())));
    const perFile = parallelFileRows(fileRows, rowGroupRows, pieces);
    for (let start = 0; start < part.numRows; start += perFile) {
      const slice = start === 0 && part.numRows <= perFile ? part : part.slice(start, start + perFile);
      jobs.push({ values: group.values, slice });
    }
  }
  const limit = pLimit(Math.max(4, threads));
  const encoded: Promise<DataFile>[] = [];
  const puts = jobs.map((job) => {
    let described!: (file: DataFile) => void;
    let failed!: (e: unknown) => void;
    encoded.push(
      new Promise<DataFile>((resolve, reject) => {
        described = resolve;
        failed = reject;
      }),
    );
    return limit(async (): Promise<void> => {
      let bytes: Uint8Array;
      let recorded: string;
      try {
        const file = await encodeDataFile(job.slice, options.schema, { compression, rowGroupRows, keyValueMetadata: footer });
        bytes = file.bytes;
        const metrics = file.metrics;
        const folder = options.spec.fields.length === 0 ? 'data' : `data/${partitionPath(options.spec, options.schema, job.values)}`;
        recorded = newFileLocation(options.location, `${folder}/${newUuid()}.parquet`);
        described({
          content: DataFileContent.DATA,
          filePath: recorded,
          fileFormat: 'PARQUET',
          partition: job.values,
          recordCount: job.slice.numRows,
          fileSizeInBytes: bytes.byteLength,
          valueCounts: metrics.valueCounts,
          nullValueCounts: metrics.nullValueCounts,
          nanValueCounts: metrics.nanValueCounts,
          lowerBounds: metrics.lowerBounds,
          upperBounds: metrics.upperBounds,
        });
      } catch (e) {
        failed(e);
        throw e;
      }
      const { store, key } = ctx.locator.resolve(recorded);
      await store.put(key, bytes, { mode: { kind: 'create' }, contentType: 'application/vnd.apache.parquet' });
    });
  });
  const stored = Promise.all(puts).then(() => undefined);
  stored.catch(() => undefined);
  return { files: await Promise.all(encoded), stored };
}
