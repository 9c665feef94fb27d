/**
 * Reading one planned data file into record batches of the read schema (spec §Column
 * Projection): columns found by field id, absent columns filled from the file's identity
 * partition values, then `initial-default`, then null; the row lineage columns of a v3 table
 * inherited (`./row-lineage.ts`); position and equality deletes applied; the residual filter
 * applied to rows.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { type BoundExpression, fileMightMatch, rowMask } from '../expr/index.js';
import {
  type AsyncBuffer,
  type Footer,
  type ParquetTail,
  type SharedLease,
  NAME_MAPPING_PROPERTY,
  type NameMapping,
  canReadRowGroupsRanged,
  decodeNameMapping,
  fileColumnsFor,
  filterRows,
  initParquetWasm,
  readParquetAsync,
  readParquetFooter,
  readParquetRowGroupsAsync,
  readParquetMetadata,
  readParquetTail,
  readRestOfFile,
  readRowGroupsRanged,
  resolveBatch,
  rowGroupMetrics,
} from '../io/index.js';
import { DataFileContent, indexById } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import type { Literal } from '../spec/index.js';
import type { FileLocator } from '../store/index.js';
import { type DeleteLoader, rowKey } from './deletes.js';
import { specById } from './plan.js';
import type { FileScanTask } from './plan.js';
import { canReadRanges, locatedRanges, readLocated } from './read-located.js';
import { fillRowLineage, readsRowLineage } from './row-lineage.js';

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
  /**
   * Fetches the file's bytes whole (default: a whole-object read through `locator`), e.g. through
   * a cache. When given, the file is always read whole.
   */
  readonly fetchBytes?: (recorded: string) => Promise<Uint8Array>;
  /** Reads a file's tail (footer) for a ranged read, e.g. through a cache (default: `load` itself). */
  readonly tails?: (recorded: string, load: () => Promise<ParquetTail>) => Promise<ParquetTail>;
  /**
   * Stop once this many rows are kept (after deletes and the filter): row groups are read one at
   * a time and the rest are not fetched. The result may hold more rows than this.
   */
  readonly limit?: number;
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

/** One read of consecutive rows starting at `firstRow` of the file (so position deletes line up with row groups read alone). */
interface Segment {
  readonly firstRow: number;
  readonly batches: readonly arrow.RecordBatch[];
}

/**
 * Reads one data file, yielding batches of `readSchema` with deleted and non-matching rows removed.
 *
 * Where the store reads byte ranges and not every row group is needed (a filter whose row-group
 * statistics prune, a limit, or chosen row groups), only the footer and the column chunks of the
 * row groups read are fetched (`io/parquet-ranges.ts`); otherwise the file is fetched whole, in
 * one request.
 * @throws DataFileNotFoundError when the file is missing
 * @throws CorruptFileError when it cannot be decoded, or is shorter than its recorded size
 */
export async function readTask(task: FileScanTask, options: ReadTaskOptions): Promise<arrow.RecordBatch[]> {
  if (task.file.fileFormat.toUpperCase() !== 'PARQUET') {
    // spec/table-format.md §F4: Parquet only.
    throw new UnsupportedError(`data file ${task.file.filePath} is ${task.file.fileFormat}; floe reads Parquet data files only`, {
      context: { table: options.table, path: task.file.filePath, format: task.file.fileFormat },
    });
  }
  if (options.limit === 0) return [];
  const path = task.file.filePath;
  const size = Number(task.file.fileSizeInBytes);
  const selective = options.filter !== undefined || options.limit !== undefined || options.rowGroups !== undefined;
  if (selective && size > 0 && !options.fetchBytes && canReadRanges(options.locator, path)) {
    const source = locatedRanges(options.locator, path, size, options.table);
    const [tail] = await Promise.all([options.tails ? options.tails(path, () => readParquetTail(source, path)) : readParquetTail(source, path), initParquetWasm()]);
    if (canReadRowGroupsRanged(tail, path)) return readRanged(task, options, source, tail);
  }
  const fetched = options.fetchBytes ? options.fetchBytes(path) : readLocated(options.locator, path, options.table);
  const [bytes] = await Promise.all([fetched, initParquetWasm()]);
  const meta = readParquetMetadata(bytes, path);
  const columns = fileColumnsFor(meta.arrowSchema, options.readSchema, nameMappingOf(options.metadata));
  const rowGroups = options.rowGroups ?? prunedRowGroups(task, () => readParquetFooter(bytes, path), options, meta.rowGroups.length);
  if (rowGroups !== undefined && rowGroups.length === 0) return [];
  const rows = new RowPipeline(task, options);
  if (rowGroups === undefined && options.limit === undefined) {
    return rows.add({ firstRow: 0, batches: (await readParquetAsync(bytes, { columns, path })).batches });
  }
  const starts = firstRows(meta.rowGroups);
  const groups = rowGroups ?? meta.rowGroups.map((_, i) => i);
  if (options.limit === undefined) {
    // Decoded at once (on the worker pool's threads when it runs), added in the order asked.
    const decoded = await readParquetRowGroupsAsync(bytes, groups, { columns, path });
    for (let i = 0; i < groups.length; i++) await rows.add({ firstRow: starts[groups[i]!] ?? 0, batches: decoded[i]!.batches });
    return rows.out;
  }
  for (const g of groups) {
    const batches = (await readParquetAsync(bytes, { columns, rowGroups: [g], path })).batches;
    await rows.add({ firstRow: starts[g] ?? 0, batches });
    if (rows.isSatisfied()) break;
  }
  return rows.out;
}

/** {@link readTask} by ranges: the row groups read are fetched alone, one at a time under a limit. */
async function readRanged(task: FileScanTask, options: ReadTaskOptions, source: AsyncBuffer, tail: ParquetTail): Promise<arrow.RecordBatch[]> {
  const path = task.file.filePath;
  const count = tail.footer.rowGroups.length;
  if (options.rowGroups) checkRowGroups(options.rowGroups, count, path);
  const columns = fileColumnsFor(tail.arrowSchema, options.readSchema, nameMappingOf(options.metadata));
  const rowGroups = options.rowGroups ?? prunedRowGroups(task, () => tail.footer, options, count) ?? tail.footer.rowGroups.map((_, i) => i);
  if (rowGroups.length === 0) return [];
  const starts = firstRows(tail.footer.rowGroups);
  const rows = new RowPipeline(task, options);
  if (options.limit !== undefined) {
    // Row group by row group: a limit met by the first one fetches no other.
    for (const g of rowGroups) {
      const compact = (await readRowGroupsRanged(source, tail, [g], { path }))!;
      const batches = await decodeIn(compact, async (bytes) => (await readParquetAsync(bytes, { columns, path })).batches);
      await rows.add({ firstRow: starts[g] ?? 0, batches });
      if (rows.isSatisfied()) break;
    }
    return rows.out;
  }
  const consecutive = rowGroups.every((g, i) => i === 0 || g === rowGroups[i - 1]! + 1);
  if (consecutive && rowGroups.length === count) {
    // Every row group: the file as it is (its tail is already here).
    const whole = await readRestOfFile(source, tail, path);
    return rows.add({ firstRow: 0, batches: await decodeIn(whole, async (bytes) => (await readParquetAsync(bytes, { columns, path })).batches) });
  }
  const compact = (await readRowGroupsRanged(source, tail, rowGroups, { path }))!;
  // One decode of the compact file (split over the worker threads by row group ranges, each
  // decode copies the file into wasm) when row positions in the file are not needed or stay
  // consecutive; else one per row group (decoded at once), so position deletes line up.
  if (consecutive || !task.deletes.some((d) => d.file.content === DataFileContent.POSITION_DELETES)) {
    await rows.add({ firstRow: starts[rowGroups[0]!] ?? 0, batches: await decodeIn(compact, async (bytes) => (await readParquetAsync(bytes, { columns, path })).batches) });
    return rows.out;
  }
  // Row group i of the compact file is row group rowGroups[i] of the data file.
  const decoded = await decodeIn(compact, (bytes) => readParquetRowGroupsAsync(bytes, rowGroups.map((_, i) => i), { columns, path }));
  for (let i = 0; i < rowGroups.length; i++) await rows.add({ firstRow: starts[rowGroups[i]!] ?? 0, batches: decoded[i]!.batches });
  return rows.out;
}

/**
 * Decodes a file assembled in leased shared memory, then gives the memory back: the decode has
 * settled (every worker task finished, even after a failure), so no worker reads it any more.
 */
async function decodeIn<T>(lease: SharedLease, decode: (bytes: Uint8Array) => Promise<T>): Promise<T> {
  try {
    return await decode(lease.bytes);
  } finally {
    lease.release();
  }
}

function firstRows(rowGroups: readonly { readonly numRows: number }[]): number[] {
  const starts: number[] = [];
  let acc = 0;
  for (const g of rowGroups) {
    starts.push(acc);
    acc += g.numRows;
  }
  return starts;
}

function checkRowGroups(rowGroups: readonly number[], count: number, path: string): void {
  for (const rg of rowGroups) {
    if (!Number.isSafeInteger(rg) || rg < 0 || rg >= count) {
      throw new InvalidArgumentError(`row group ${rg} is out of range for parquet file ${path} (${count} row groups)`, {
        context: { path, rowGroup: rg, numRowGroups: count },
      });
    }
  }
}

/** Turns decoded segments into output batches: read schema, deletes, residual filter, limit. */
class RowPipeline {
  /** The batches kept so far. */
  readonly out: arrow.RecordBatch[] = [];
  private rows = 0;
  private deletes: Promise<{ positions: Float64Array | undefined; equality: Awaited<ReturnType<DeleteLoader['equalityFor']>> }> | undefined;
  private readonly constants: Map<number, Literal | null>;
  private readonly nameMapping: NameMapping | undefined;
  private readonly byId: ReturnType<typeof indexById>;
  private readonly lineage: boolean;

  constructor(
    private readonly task: FileScanTask,
    private readonly options: ReadTaskOptions,
  ) {
    this.constants = partitionConstants(options.metadata, task, options.table);
    this.nameMapping = nameMappingOf(options.metadata);
    this.byId = indexById(options.readSchema);
    this.lineage = readsRowLineage(options.readSchema);
  }

  /** Whether the limit's rows are all kept. */
  isSatisfied(): boolean {
    return this.options.limit !== undefined && this.rows >= this.options.limit;
  }

  /** Adds a segment's rows; returns {@link out}. */
  async add(segment: Segment): Promise<arrow.RecordBatch[]> {
    const options = this.options;
    this.deletes ??= (async () => ({
      positions: await options.deletes.positionsFor(this.task.file.filePath, this.task.deletes),
      equality: await options.deletes.equalityFor(this.task.deletes),
    }))();
    const { positions, equality } = await this.deletes;
    let firstRow = segment.firstRow;
    let nextDelete = positions ? lowerBound(positions, firstRow) : 0;
    for (const raw of segment.batches) {
      const resolved = resolveBatch(raw, {
        readSchema: options.readSchema,
        constants: this.constants,
        ...(this.nameMapping ? { nameMapping: this.nameMapping } : {}),
        ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}),
      });
      // Row lineage is inherited by position in the file, so before any row is dropped.
      const batch = this.lineage ? fillRowLineage(resolved, options.readSchema, this.task, firstRow) : resolved;
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
          const field = this.byId.get(id);
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
      let kept = n;
      if (mask) {
        kept = 0;
        for (let i = 0; i < n; i++) kept += mask[i]!;
      }
      if (kept === n) this.out.push(batch);
      else if (kept > 0) this.out.push(filterRows(batch, mask!));
      this.rows += kept;
    }
    return this.out;
  }
}

/**
 * The row groups of a file that may hold rows matching the scan's filter, judged by their
 * Parquet column statistics with the same inclusive evaluator that prunes files (only exact
 * statistics count, see `io/row-group-metrics.ts`); undefined when every row group is read.
 */
function prunedRowGroups(task: FileScanTask, footer: () => Footer, options: ReadTaskOptions, count: number): number[] | undefined {
  if (!options.filter || count < 2) return undefined;
  const metrics = rowGroupMetrics(footer(), options.readSchema);
  const { nanValueCounts: _fileNans, columnSizes: _sizes, ...file } = task.file;
  const keep: number[] = [];
  metrics.forEach((m, g) => {
    if (fileMightMatch(options.filter!, { ...file, ...m }, options.readSchema)) keep.push(g);
  });
  return keep.length === count ? undefined : keep;
}

/** The first index of sorted `values` holding a value ≥ `x`. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
