/**
 * Reading one planned data file into record batches of the read schema (spec §Column
 * Projection): columns found by field id, absent columns filled from the file's identity
 * partition values, then `initial-default`, then null; position and equality deletes applied;
 * the residual filter applied to rows.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { UnsupportedError } from '../errors.js';
import { type BoundExpression, fileMightMatch, rowMask } from '../expr/index.js';
import {
  NAME_MAPPING_PROPERTY,
  type NameMapping,
  decodeNameMapping,
  fileColumnsFor,
  filterRows,
  initParquetWasm,
  readParquetAsync,
  readParquetFooter,
  readParquetMetadata,
  resolveBatch,
  rowGroupMetrics,
} from '../io/index.js';
import { indexById } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import type { Literal } from '../spec/index.js';
import type { FileLocator } from '../store/index.js';
import { type DeleteLoader, rowKey } from './deletes.js';
import { specById } from './plan.js';
import type { FileScanTask } from './plan.js';
import { readLocated } from './read-located.js';

/** What reading a file needs. */
export interface ReadTaskOptions {
  /** The table's name, for errors. */
  readonly table: string;
  /** The metadata version being read (for partition specs). */
  readonly metadata: TableMetadata;
  /** Resolves recorded locations. */
  readonly locator: FileLocator;
  /** The schema rows are resolved to: every column the output, the filter and deletes need. */
  readonly readSchema: Schema;
  /** The residual filter, bound to `readSchema`. */
  readonly filter?: BoundExpression;
  /** Shared delete-file cache. */
  readonly deletes: DeleteLoader;
  /** Field id → dimension of vector columns (list<float> read as FixedSizeList). */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /**
   * Row-group indexes to read, in this order (default: all, in file order). Position deletes
   * still apply by the row's position in the whole file (spec §Position Delete Files).
   */
  readonly rowGroups?: readonly number[];
  /** Fetches the file's bytes (default: a whole-object read through `locator`), e.g. through a cache. */
  readonly fetchBytes?: (recorded: string) => Promise<Uint8Array>;
}

const nameMappings = new WeakMap<TableMetadata, NameMapping | null>();

/**
 * The table's name mapping (`schema.name-mapping.default`, spec §Column Projection rule 2), for
 * data files written without field ids (e.g. migrated Hive tables); decoded once per metadata.
 */
export function nameMappingOf(metadata: TableMetadata): NameMapping | undefined {
  let m = nameMappings.get(metadata);
  if (m === undefined) {
    const text = metadata.properties[NAME_MAPPING_PROPERTY];
    m = text === undefined ? null : decodeNameMapping(text);
    nameMappings.set(metadata, m);
  }
  return m ?? undefined;
}

/**
 * Identity-partitioned source columns take their value from the file's partition tuple when the
 * file lacks the column (spec §Column Projection rule 1; DuckDB-rewritten files drop them).
 */
export function partitionConstants(metadata: TableMetadata, task: FileScanTask, table: string): Map<number, Literal | null> {
  const spec = specById(metadata, task.specId, table);
  const constants = new Map<number, Literal | null>();
  spec.fields.forEach((f, i) => {
    if (f.transform.kind === 'identity') constants.set(f.sourceId, task.file.partition[i] ?? null);
  });
  return constants;
}

/**
 * Reads one data file, yielding batches of `readSchema` with deleted and non-matching rows removed.
 * @throws DataFileNotFoundError when the file is missing
 * @throws CorruptFileError when it cannot be decoded
 */
export async function readTask(task: FileScanTask, options: ReadTaskOptions): Promise<arrow.RecordBatch[]> {
  if (task.file.fileFormat.toUpperCase() !== 'PARQUET') {
    // spec/table-format.md §F4: Parquet only.
    throw new UnsupportedError(`data file ${task.file.filePath} is ${task.file.fileFormat}; floe reads Parquet data files only`, {
      context: { table: options.table, path: task.file.filePath, format: task.file.fileFormat },
    });
  }
  const fetched = options.fetchBytes ? options.fetchBytes(task.file.filePath) : readLocated(options.locator, task.file.filePath, options.table);
  const [bytes] = await Promise.all([fetched, initParquetWasm()]);
  const meta = readParquetMetadata(bytes, task.file.filePath);
  const nameMapping = nameMappingOf(options.metadata);
  const columns = fileColumnsFor(meta.arrowSchema, options.readSchema, nameMapping);
  // Each segment is one read of consecutive rows starting at `firstRow` of the file, so position
  // deletes line up with row groups read alone.
  const segments: { readonly firstRow: number; readonly batches: readonly arrow.RecordBatch[] }[] = [];
  const rowGroups = options.rowGroups ?? prunedRowGroups(task, bytes, options, meta.rowGroups.length);
  if (rowGroups !== undefined && rowGroups.length === 0) return [];
  if (rowGroups === undefined) {
    segments.push({ firstRow: 0, batches: (await readParquetAsync(bytes, { columns, path: task.file.filePath })).batches });
  } else {
    const starts: number[] = [];
    let acc = 0;
    for (const g of meta.rowGroups) {
      starts.push(acc);
      acc += g.numRows;
    }
    for (const g of rowGroups) {
      const batches = (await readParquetAsync(bytes, { columns, rowGroups: [g], path: task.file.filePath })).batches;
      segments.push({ firstRow: starts[g] ?? 0, batches });
    }
  }
  const constants = partitionConstants(options.metadata, task, options.table);
  const positions = await options.deletes.positionsFor(task.file.filePath, task.deletes);
  const equality = await options.deletes.equalityFor(task.deletes);
  const byId = indexById(options.readSchema);
  const out: arrow.RecordBatch[] = [];
  for (const segment of segments) {
    let firstRow = segment.firstRow;
    let nextDelete = positions ? lowerBound(positions, firstRow) : 0;
    for (const raw of segment.batches) {
      const batch = resolveBatch(raw, {
        readSchema: options.readSchema,
        constants,
        ...(nameMapping ? { nameMapping } : {}),
        ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}),
      });
      const n = batch.numRows;
      let mask: Uint8Array | undefined;
      const drop = (i: number): void => {
        mask ??= new Uint8Array(n).fill(1);
        mask[i] = 0;
      };
      if (positions) {
        while (nextDelete < positions.length && positions[nextDelete]! < firstRow + n) {
          const p = positions[nextDelete]! - firstRow;
          if (p >= 0) drop(p);
          nextDelete += 1;
        }
      }
      for (const eq of equality) {
        const cols = eq.fieldIds.map((id) => {
          const field = byId.get(id);
          const idx = field ? batch.schema.fields.findIndex((f) => f.name === field.name) : -1;
          return idx < 0 ? null : batch.getChildAt(idx);
        });
        for (let i = 0; i < n; i++) if (eq.keys.has(rowKey(cols.map((c) => (c ? c.get(i) : null))))) drop(i);
      }
      if (options.filter) {
        const m = rowMask(options.filter, batch, options.readSchema);
        if (mask) for (let i = 0; i < n; i++) mask[i] = mask[i]! & m[i]!;
        else mask = m;
      }
      firstRow += n;
      if (!mask) {
        out.push(batch);
        continue;
      }
      let kept = 0;
      for (let i = 0; i < n; i++) kept += mask[i]!;
      if (kept === n) out.push(batch);
      else if (kept > 0) out.push(filterRows(batch, mask));
    }
  }
  return out;
}

/**
 * The row groups of a file that may hold rows matching the scan's filter, judged by their
 * Parquet column statistics with the same inclusive evaluator that prunes files (only exact
 * statistics count, see `io/row-group-metrics.ts`); undefined when every row group is read.
 */
function prunedRowGroups(task: FileScanTask, bytes: Uint8Array, options: ReadTaskOptions, count: number): number[] | undefined {
  if (!options.filter || count < 2) return undefined;
  const metrics = rowGroupMetrics(readParquetFooter(bytes, task.file.filePath), options.readSchema);
  const { nanValueCounts: _fileNans, columnSizes: _sizes, ...file } = task.file;
  const keep: number[] = [];
  metrics.forEach((m, g) => {
    if (fileMightMatch(options.filter!, { ...file, ...m }, options.readSchema)) keep.push(g);
  });
  return keep.length === count ? undefined : keep;
}

/** The first index of sorted `values` holding a value ≥ `x`. */
function lowerBound(values: Int32Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
