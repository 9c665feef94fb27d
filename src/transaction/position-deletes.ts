/**
 * Merge-on-read deletes, v2 (spec §Position Delete Files): which rows of a data file a change
 * deletes, by their position in the file, and the delete files that record them.
 *
 * A data file is read for this with only the columns the match needs (the filter's, or an
 * upsert's key columns) and without its delete files applied, so that row `i` of what comes back
 * is position `i` of the file; rows already deleted (by position or equality delete files that
 * apply to it) are then skipped, so a row is never deleted twice and the live count is exact.
 *
 * Delete files hold `file_path` (field id 2147483546) and `pos` (2147483545), sorted by both (the
 * spec requires it so readers can filter by file and stream positions), one file per partition
 * (a position delete file applies only to data files of its own spec and partition, spec §Scan
 * Planning), with full metrics on both columns: Java writes untruncated `file_path` bounds for
 * position deletes (`MetricsConfig.forPositionDelete`) so readers can tell which data files a
 * delete file may touch.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { UnsupportedError } from '../errors.js';
import { type BoundExpression, referencedFieldIds } from '../expr/index.js';
import { computeMetrics, conformToSchema, encodeDataFile, filterRows } from '../io/index.js';
import { type DeleteLoader, type FileScanTask, type LiveFile, readTask, rowKey, schemaForSpec, specById } from '../scan/index.js';
import { type DataFile, DataFileContent, encodeSchema, indexById, partitionPath } from '../spec/index.js';
import type { IcebergType, NestedField, Schema, TableMetadata } from '../spec/index.js';
import { newUuid, stringifyJson } from '../util/index.js';
import { type TableContext, newFileLocation } from './table-context.js';

/** Field id of `file_path` in a position delete file (spec §Reserved Field IDs). */
export const DELETE_FILE_PATH_ID = 2147483546;
/** Field id of `pos` in a position delete file (spec §Reserved Field IDs). */
export const DELETE_POS_ID = 2147483545;

/** The schema of a position delete file without deleted rows (spec §Position Delete Files). */
export const POSITION_DELETE_SCHEMA: Schema = {
  schemaId: 0,
  fields: [
    { id: DELETE_FILE_PATH_ID, name: 'file_path', required: true, type: { type: 'string' } },
    { id: DELETE_POS_ID, name: 'pos', required: true, type: { type: 'long' } },
  ],
};

/** Bounds long enough for any path: readers compare whole paths against them. */
const UNTRUNCATED = 1 << 20;

/** The rows a change deletes from one data file. */
export interface DeletedPositions {
  /** The data file, with the delete files that apply to it. */
  readonly task: FileScanTask;
  /** Positions of the rows deleted, ascending. */
  readonly positions: readonly number[];
  /** Rows of the file that were live before the change. */
  readonly live: number;
  /**
   * Positions already deleted by the position delete files and deletion vectors that apply to
   * the file (ascending, possibly repeated): a new deletion vector must hold them too.
   */
  readonly previous: ArrayLike<number>;
  /** With `collect`: the deleted rows themselves (the columns read), in position order. */
  readonly rows?: readonly arrow.RecordBatch[];
}

function holdsId(field: NestedField, ids: ReadonlySet<number>): boolean {
  return ids.has(field.id) || typeHoldsId(field.type, ids);
}

function typeHoldsId(t: IcebergType, ids: ReadonlySet<number>): boolean {
  if (t.type === 'struct') return t.fields.some((f) => holdsId(f, ids));
  if (t.type === 'list') return ids.has(t.elementId) || typeHoldsId(t.element, ids);
  if (t.type === 'map') return ids.has(t.keyId) || ids.has(t.valueId) || typeHoldsId(t.key, ids) || typeHoldsId(t.value, ids);
  return false;
}

/**
 * The top-level columns of `schema` a match reads: those holding a field the filter references,
 * and the columns named.
 * @param schema the table schema
 * @param filter the filter, if the match evaluates one
 * @param names columns the match reads by name (an upsert's keys)
 */
export function matchSchema(schema: Schema, filter: BoundExpression | undefined, names: readonly string[] = []): Schema {
  const ids = filter ? referencedFieldIds(filter) : new Set<number>();
  return { schemaId: schema.schemaId, fields: schema.fields.filter((f) => holdsId(f, ids) || names.includes(f.name)) };
}

/** What {@link deletedPositions} needs. */
export interface DeletedPositionsOptions {
  /** The table's name. */
  readonly table: string;
  /** The metadata planned against. */
  readonly metadata: TableMetadata;
  /** Resolves recorded locations. */
  readonly locator: TableContext['locator'];
  /** The columns to read (see {@link matchSchema}); the match is evaluated on batches of it. */
  readonly readSchema: Schema;
  /** The scan's delete-file cache. */
  readonly deletes: DeleteLoader;
  /** 1 for each row of a batch to delete. */
  readonly match: (batch: arrow.RecordBatch) => Uint8Array;
  /** Also return the deleted rows (an upsert carries their row lineage to their new versions). */
  readonly collect?: boolean;
}

/**
 * The live rows of one planned data file that `match` selects, by position in the file.
 * @throws as `readTask` (missing or corrupt files)
 */
export async function deletedPositions(task: FileScanTask, options: DeletedPositionsOptions): Promise<DeletedPositions> {
  const path = task.file.filePath;
  const equality = await options.deletes.equalityFor(task.deletes);
  const schema = equality.length === 0 ? options.readSchema : withColumns(options.readSchema, options.metadata, equality.flatMap((e) => e.fieldIds));
  // No deletes and no filter: every row of the file comes back, in file order.
  const [batches, already] = await Promise.all([
    readTask({ ...task, deletes: [] }, { table: options.table, metadata: options.metadata, locator: options.locator, readSchema: schema, deletes: options.deletes }),
    options.deletes.positionsFor(path, task.deletes),
  ]);
  const byId = indexById(schema);
  const positions: number[] = [];
  const rows: arrow.RecordBatch[] = [];
  let live = 0;
  let at = 0;
  let nextDeleted = 0;
  for (const batch of batches) {
    const mask = options.match(batch);
    const taken = options.collect ? new Uint8Array(batch.numRows) : undefined;
    const eqColumns = equality.map((e) =>
      e.fieldIds.map((id) => {
        const name = byId.get(id)?.name;
        return name === undefined ? null : batch.getChild(name);
      }),
    );
    for (let i = 0; i < batch.numRows; i++, at++) {
      if (already) {
        while (nextDeleted < already.length && already[nextDeleted]! < at) nextDeleted++;
        if (nextDeleted < already.length && already[nextDeleted] === at) continue;
      }
      if (equality.some((e, k) => e.keys.has(rowKey(eqColumns[k]!.map((c) => (c ? c.get(i) : null)))))) continue;
      live++;
      if (mask[i] === 1) {
        positions.push(at);
        if (taken) taken[i] = 1;
      }
    }
    if (taken) rows.push(filterRows(batch, taken));
  }
  return { task, positions, live, previous: already ?? [], ...(options.collect ? { rows } : {}) };
}

function withColumns(schema: Schema, metadata: TableMetadata, ids: readonly number[]): Schema {
  const present = new Set(schema.fields.map((f) => f.id));
  const full = metadata.schemas.find((s) => s.schemaId === schema.schemaId);
  const add = (full?.fields ?? []).filter((f) => ids.includes(f.id) && !present.has(f.id));
  return { ...schema, fields: [...schema.fields, ...add] };
}

/** Options of {@link writePositionDeleteFiles}. */
export interface WritePositionDeletesOptions {
  /** The metadata planned against (partition specs). */
  readonly metadata: TableMetadata;
  /** Table properties (`write.parquet.compression-codec`). */
  readonly properties: Readonly<Record<string, string>>;
}

/** A position delete file written, with the spec its partition tuple belongs to. */
export interface WrittenDeleteFile {
  /** The partition spec id (that of the data files it references). */
  readonly specId: number;
  /** Its manifest entry's file. */
  readonly file: DataFile;
}

/**
 * Writes one position delete file per (spec, partition) of the data files in `deleted`, each
 * sorted by `file_path` then `pos`, and stores them under fresh names.
 * @param ctx the table
 * @param deleted rows deleted per data file (files without positions are skipped)
 * @param options metadata and properties
 * @throws UnsupportedError for a format v3 table (it takes deletion vectors, `deletion-vectors.ts`)
 */
export async function writePositionDeleteFiles(ctx: TableContext, deleted: readonly DeletedPositions[], options: WritePositionDeletesOptions): Promise<WrittenDeleteFile[]> {
  if (options.metadata.formatVersion > 2 && deleted.some((d) => d.positions.length > 0)) {
    // spec §Position Delete Files: deprecated in v3, where deletes must be deletion vectors.
    throw new UnsupportedError(`table ${ctx.name} is format v${options.metadata.formatVersion}: position delete files must not be added to it, only deletion vectors`, {
      context: { table: ctx.name, formatVersion: options.metadata.formatVersion },
    });
  }
  const groups = new Map<string, DeletedPositions[]>();
  for (const d of deleted) {
    if (d.positions.length === 0) continue;
    const key = `${d.task.specId}|${stringifyJson(d.task.file.partition.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)))}`;
    const list = groups.get(key) ?? [];
    list.push(d);
    groups.set(key, list);
  }
  const compression = (options.properties['write.parquet.compression-codec'] ?? 'zstd') as 'zstd';
  const footer = { 'iceberg.schema': stringifyJson(encodeSchema(POSITION_DELETE_SCHEMA)) };
  const out: WrittenDeleteFile[] = [];
  for (const files of groups.values()) {
    const sorted = [...files].sort((a, b) => (a.task.file.filePath < b.task.file.filePath ? -1 : a.task.file.filePath > b.task.file.filePath ? 1 : 0));
    const count = sorted.reduce((n, d) => n + d.positions.length, 0);
    const paths: string[] = new Array<string>(count);
    const pos = new BigInt64Array(count);
    let k = 0;
    for (const d of sorted) {
      for (const p of d.positions) {
        paths[k] = d.task.file.filePath;
        pos[k++] = BigInt(p);
      }
    }
    const raw = new arrow.Table({ file_path: arrow.vectorFromArray(paths, new arrow.Utf8()), pos: arrow.makeVector(pos) });
    const table = conformToSchema(raw, POSITION_DELETE_SCHEMA, { table: ctx.name });
    const { bytes } = await encodeDataFile(table, POSITION_DELETE_SCHEMA, { compression, keyValueMetadata: footer });
    const metrics = computeMetrics(table, POSITION_DELETE_SCHEMA, { truncateLength: UNTRUNCATED });
    const first = sorted[0]!.task;
    const spec = specById(options.metadata, first.specId, ctx.name);
    const folder = spec.fields.length === 0 ? 'data' : `data/${partitionPath(spec, schemaForSpec(options.metadata, spec), first.file.partition)}`;
    const recorded = newFileLocation(options.metadata.location, `${folder}/${newUuid()}-deletes.parquet`);
    const { store, key } = ctx.locator.resolve(recorded);
    await store.put(key, bytes, { mode: { kind: 'create' }, contentType: 'application/vnd.apache.parquet' });
    out.push({
      specId: first.specId,
      file: {
        content: DataFileContent.POSITION_DELETES,
        filePath: recorded,
        fileFormat: 'PARQUET',
        partition: first.file.partition,
        recordCount: count,
        fileSizeInBytes: bytes.byteLength,
        valueCounts: metrics.valueCounts,
        nullValueCounts: metrics.nullValueCounts,
        lowerBounds: metrics.lowerBounds,
        upperBounds: metrics.upperBounds,
      },
    });
  }
  return out;
}
