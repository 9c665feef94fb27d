/**
 * Compaction (Iceberg Java's `RewriteDataFiles` action with the bin-pack strategy,
 * `spark/.../actions/RewriteDataFilesSparkAction.java`, `SparkBinPackFileRewriteRunner.java`):
 * small data files of a partition, and files with delete files applying to them, are read with
 * their deletes applied, sorted by the sort key when there is one, and written again as files of
 * the target size; the old data files, and the delete files that applied only to them, are
 * replaced by the new ones in one `replace` snapshot (`transaction/rewrite-files.ts`, which also
 * holds the conflict rules). The table's rows are the same before and after.
 *
 * Groups are read and written one at a time, so memory holds about one group (at most the
 * target size of files).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import type { TableState } from '../commit/index.js';
import { type Expression, bindExpression, toExpression } from '../expr/index.js';
import { DeleteLoader, type FileScanTask, type LiveFile, planFiles, readTask } from '../scan/index.js';
import { type DataFile, type Snapshot, parseArgument, withRowLineage } from '../spec/index.js';
import { type Change, type TableContext, branchHead, currentSchema, defaultSpec, fileEntryKey, prepareRewriteFiles, writeDataFiles } from '../transaction/index.js';
import { DEFAULT_TARGET_FILE_SIZE_BYTES, binPackSettings, planFileGroups } from './bin-pack.js';
import { SortBySchema, resolveSortKeys } from './sort-rows.js';
import { sortRows } from './sort-rows.js';

/** Options of `Table.rewriteDataFiles`. */
export interface RewriteDataFilesOptions {
  /** Only files that may hold rows matching this filter are rewritten (default: every file). */
  readonly filter?: Expression | string;
  /** The size output files aim at (default: the `write.target-file-size-bytes` property, else 512 MiB). */
  readonly targetFileSizeBytes?: number;
  /** Sort rows by these columns (`'id'`, `['ts DESC', 'id NULLS LAST']`); default `write.sort-order`, else the table's sort order. */
  readonly sortBy?: string | readonly string[];
  /** A partition's group of fewer small files (no deletes) is left alone (default 5, as Java). */
  readonly minInputFiles?: number;
  /**
   * Bytes of input files rewritten together, sorted together and held in memory at once
   * (default the target size); a sort spans one group, so raise it to sort across more files.
   */
  readonly maxFileGroupSizeBytes?: number;
}

/** What a compaction did. */
export interface RewriteDataFilesResult {
  /** The `replace` snapshot, or undefined when nothing needed rewriting (nothing is committed). */
  readonly snapshot: Snapshot | undefined;
  /** Groups of files rewritten. */
  readonly rewrittenGroups: number;
  /** Data files replaced. */
  readonly rewrittenDataFiles: number;
  /** Data files written. */
  readonly addedDataFiles: number;
  /** Delete files folded into the new data and removed. */
  readonly removedDeleteFiles: number;
  /** Bytes of data files replaced. */
  readonly rewrittenBytes: number;
}

const SIZE = z.number({ error: 'expected a positive integer number of bytes' }).int('expected a positive integer number of bytes').positive('expected a positive integer number of bytes').max(Number.MAX_SAFE_INTEGER);
const RewriteDataFilesOptionsSchema = z.strictObject({
  filter: z.unknown().optional(),
  targetFileSizeBytes: SIZE.optional(),
  sortBy: SortBySchema.optional(),
  minInputFiles: z.number({ error: 'expected a positive integer' }).int('expected a positive integer').min(1, 'expected a positive integer').optional(),
  maxFileGroupSizeBytes: SIZE.optional(),
});

/** Checked options, the filter parsed. */
export interface CheckedRewriteDataFilesOptions extends Omit<RewriteDataFilesOptions, 'filter'> {
  readonly filter?: Expression;
}

/**
 * Checks the options of `rewriteDataFiles` before anything is read.
 * @throws InvalidArgumentError naming the offending option
 */
export function parseRewriteDataFilesOptions(options: unknown, table: string): CheckedRewriteDataFilesOptions {
  const checked = parseArgument(RewriteDataFilesOptionsSchema, options, `options of rewriteDataFiles on table ${table}`);
  const { filter: _f, ...rest } = checked;
  // A filter key given as undefined is a caller's mistake, not "every file".
  const hasFilter = typeof options === 'object' && options !== null && 'filter' in options;
  return { ...(rest as Omit<RewriteDataFilesOptions, 'filter'>), ...(hasFilter ? { filter: toExpression(checked.filter, { what: `filter of rewriteDataFiles on table ${table}` }) } : {}) };
}

/** What a compaction runs against. */
export interface RewriteDataFilesTarget {
  /** The table. */
  readonly ctx: TableContext;
  /** The state it plans on. */
  readonly state: TableState;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions: ReadonlyMap<number, number>;
  /**
   * Commits the change through the table's commit loop, as files staged since `stagedAtMs`
   * (the staging window of spec/maintenance.md §M2 starts before the first new file is written).
   */
  commit(prepare: (state: TableState, commitId: string) => Promise<Change<Snapshot>>, stagedAtMs: number): Promise<Snapshot>;
  /** The table's clock, in ms. */
  nowMs(): number;
}

function targetSize(properties: Readonly<Record<string, string>>, option: number | undefined): number {
  if (option !== undefined) return option;
  const n = Number(properties['write.target-file-size-bytes']);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_TARGET_FILE_SIZE_BYTES;
}

/** The delete files that apply to rewritten files only (in a plan of the whole snapshot). */
function foldedDeletes(all: readonly FileScanTask[], rewritten: ReadonlySet<string>): LiveFile[] {
  // By entry, not path: a Puffin file holds the deletion vectors of many data files, and each
  // vector goes with its own data file (spec §Deletion Vectors).
  const byPath = new Map<string, { file: LiveFile; onlyRewritten: boolean }>();
  for (const t of all) {
    for (const d of t.deletes) {
      const key = fileEntryKey(d.file);
      const seen = byPath.get(key) ?? { file: d, onlyRewritten: true };
      seen.onlyRewritten &&= rewritten.has(t.file.filePath);
      byPath.set(key, seen);
    }
  }
  return [...byPath.values()].filter((d) => d.onlyRewritten).map((d) => d.file);
}

/**
 * Plans, writes and commits a compaction.
 * @param target the table
 * @param options checked options
 */
export async function rewriteDataFiles(target: RewriteDataFilesTarget, options: CheckedRewriteDataFilesOptions): Promise<RewriteDataFilesResult> {
  const { ctx, state } = target;
  const metadata = state.metadata;
  const schema = currentSchema(metadata);
  const head = branchHead(metadata);
  const planCtx = { table: ctx.name, metadata, locator: ctx.locator };
  const filter = options.filter ? bindExpression(options.filter, schema, { caseSensitive: true }) : undefined;
  const sortKeys = resolveSortKeys(options.sortBy, metadata, schema, ctx.name);
  const target_ = targetSize(metadata.properties, options.targetFileSizeBytes);
  const whole = await planFiles(planCtx, { snapshot: head ?? null, schema });
  const selected = filter ? await planFiles(planCtx, { snapshot: head ?? null, schema, filter }) : whole;
  const groups = planFileGroups(selected.tasks, binPackSettings(target_, options.minInputFiles, options.maxFileGroupSizeBytes ?? target_));
  const none = { snapshot: undefined, rewrittenGroups: 0, rewrittenDataFiles: 0, addedDataFiles: 0, removedDeleteFiles: 0, rewrittenBytes: 0 };
  if (groups.length === 0) return none;
  const stagedAtMs = target.nowMs();
  const deletes = new DeleteLoader(planCtx);
  // On a v3 table compacted rows keep their row lineage (spec §Row Lineage): read and written with it.
  const movedSchema = withRowLineage(schema, metadata.formatVersion);
  const writeOptions = {
    schema: movedSchema,
    spec: defaultSpec(metadata),
    location: metadata.location,
    properties: { ...metadata.properties, 'write.target-file-size-bytes': String(target_) },
    vectorDimensions: target.vectorDimensions,
  };
  const added: DataFile[] = [];
  for (const group of groups) {
    const batches: arrow.RecordBatch[] = [];
    for (const task of group.tasks) batches.push(...(await readTask(task, { table: ctx.name, metadata, locator: ctx.locator, readSchema: movedSchema, deletes, vectorDimensions: target.vectorDimensions })));
    const rows = batches.some((b) => b.numRows > 0) ? new arrow.Table(batches.filter((b) => b.numRows > 0)) : undefined;
    if (rows) added.push(...(await writeDataFiles(ctx, sortRows(rows, sortKeys), writeOptions)));
  }
  const removedData = groups.flatMap((g) => g.tasks);
  const removedDeletes = foldedDeletes(whole.tasks, new Set(removedData.map((t) => t.file.filePath)));
  const snapshot = await target.commit((_state, commitId) =>
    prepareRewriteFiles(ctx, state, {
      commitId,
      startingSnapshotId: head?.snapshotId,
      removedDataFiles: removedData.map(({ deletes: _d, ...live }) => live),
      removedDeleteFiles: removedDeletes,
      addedDataFiles: added,
    }),
    stagedAtMs,
  );
  return {
    snapshot,
    rewrittenGroups: groups.length,
    rewrittenDataFiles: removedData.length,
    addedDataFiles: added.length,
    removedDeleteFiles: removedDeletes.length,
    rewrittenBytes: groups.reduce((n, g) => n + g.sizeBytes, 0),
  };
}
